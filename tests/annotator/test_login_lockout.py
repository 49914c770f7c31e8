"""Password guessing on the login page: after LOGIN_FAILURE_LIMIT wrong passwords the account and the address
are locked out for LOGIN_LOCKOUT_MINUTES, with a page that says so."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.test import Client

from tests.factories import UserFactory

RIGHT = "correct horse battery staple"
LOCKED_OUT = "Too many failed logins for this account or from this address. Try again in 15 minutes."


def log_in(client: Client, username: str, password: str, address: str = "203.0.113.5"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_until_locked(client: Client, username: str = "alice", address: str = "203.0.113.5"):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, username, "wrong", address)
        assert response.status_code == 200
        assert "Please enter a correct username and password." in response.content.decode()
    return log_in(client, username, "wrong", address)


def test_the_last_allowed_wrong_password_shows_the_lockout_page(client, analyst):
    response = fail_until_locked(client)
    assert response.status_code == 429
    body = response.content.decode()
    assert LOCKED_OUT in body
    assert "Please enter a correct username and password." not in body


def test_the_right_password_is_refused_during_the_lockout_and_accepted_after_it(client, analyst):
    fail_until_locked(client)
    response = log_in(client, "alice", RIGHT)
    assert response.status_code == 429 and LOCKED_OUT in response.content.decode()
    assert "_auth_user_id" not in client.session
    with time_machine.travel(timedelta(minutes=16)):
        response = log_in(client, "alice", RIGHT)
        assert (response.status_code, response["Location"]) == (302, "/")


def test_the_account_is_locked_from_every_address(client, analyst):
    fail_until_locked(client, address="203.0.113.5")
    response = log_in(Client(), "alice", RIGHT, address="198.51.100.7")
    assert response.status_code == 429


def test_the_address_is_locked_for_every_account(client, analyst):
    UserFactory(username="bob")
    fail_until_locked(client, address="203.0.113.5")
    assert log_in(Client(), "bob", RIGHT, address="203.0.113.5").status_code == 429


def test_another_account_from_another_address_is_not_affected(client, analyst):
    UserFactory(username="bob")
    fail_until_locked(client, address="203.0.113.5")
    response = log_in(Client(), "bob", RIGHT, address="198.51.100.7")
    assert (response.status_code, response["Location"]) == (302, "/")


def test_a_successful_login_forgets_the_earlier_failures(client, analyst):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "alice", "wrong")
    assert log_in(client, "alice", RIGHT).status_code == 302
    client.logout()
    assert log_in(client, "alice", "wrong").status_code == 200
