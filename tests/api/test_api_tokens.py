"""API tokens: stored hashed, expiring, listed and revoked by their owner, revoked by a password change."""

import io
from datetime import timedelta

import time_machine
from django.conf import settings
from django.core.management import call_command
from knox.models import AuthToken
from rest_framework.test import APIClient

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"
RIGHT = "correct horse battery staple"


def issue(username: str, password: str = RIGHT) -> str:
    response = APIClient().post(TOKEN_URL, {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token: str) -> bool:
    return with_token(token).get("/api/v1/labels/").status_code == 200


def test_the_token_is_stored_only_as_a_digest_and_expires(analyst):
    with time_machine.travel("2026-03-01T12:00:00Z", tick=False):
        response = APIClient().post(TOKEN_URL, {"username": "alice", "password": RIGHT})
    token = response.json()["token"]
    assert response.json()["expiry"] == "2026-03-31T12:00:00Z"
    stored = AuthToken.objects.get(user=analyst)
    assert token not in stored.digest and stored.token_key == token[:15]


def test_an_expired_token_is_refused(analyst):
    token = issue("alice")
    assert works(token)
    with time_machine.travel(timedelta(days=settings.REST_KNOX["TOKEN_TTL"].days, minutes=1)):
        response = with_token(token).get("/api/v1/labels/")
    assert response.status_code == 401 and response.json() == {"detail": "Invalid token."}


def test_an_owner_lists_their_own_tokens(analyst, colleague):
    first, second = issue("alice"), issue("alice")
    issue("bob")
    listed = with_token(second).get(TOKENS_URL).json()["results"]
    assert [(t["id"], t["current"]) for t in listed] == [(second[:15], True), (first[:15], False)]
    assert all(t["expiry"] for t in listed)


def test_the_list_leaves_out_expired_tokens(analyst):
    old = issue("alice")
    with time_machine.travel(timedelta(days=settings.REST_KNOX["TOKEN_TTL"].days - 1)):
        new = issue("alice")
    with time_machine.travel(timedelta(days=settings.REST_KNOX["TOKEN_TTL"].days, minutes=1)):
        listed = with_token(new).get(TOKENS_URL).json()["results"]
        assert [t["id"] for t in listed] == [new[:15]]
        assert not works(old)
    assert not AuthToken.objects.filter(token_key=old[:15]).exists()


def test_an_owner_revokes_a_token(analyst):
    kept, revoked = issue("alice"), issue("alice")
    assert with_token(kept).delete(f"{TOKENS_URL}{revoked[:15]}/").status_code == 204
    assert not works(revoked) and works(kept)


def test_another_users_token_cannot_be_revoked(analyst, colleague):
    bobs = issue("bob")
    response = with_token(issue("alice")).delete(f"{TOKENS_URL}{bobs[:15]}/")
    assert response.status_code == 404
    assert works(bobs)


def test_set_password_and_save_revokes_every_token(analyst):
    token = issue("alice")
    analyst.set_password("a new passphrase entirely")
    analyst.save()
    assert not works(token)


def test_a_login_keeps_the_tokens(client, analyst):
    token = issue("alice")
    client.post("/accounts/login/", {"username": "alice", "password": RIGHT})
    assert "_auth_user_id" in client.session
    assert works(token)


def test_the_changepassword_command_revokes_tokens(analyst, monkeypatch):
    token = issue("alice")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a new passphrase entirely")
    call_command("changepassword", "alice", stdout=io.StringIO())
    assert not works(token)


def test_the_admins_password_change_revokes_tokens(client, staff, analyst):
    token = issue("alice")
    client.force_login(staff)
    response = client.post(
        f"/admin/auth/user/{analyst.pk}/password/",
        {
            "password1": "a new passphrase entirely",
            "password2": "a new passphrase entirely",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not works(token)


def test_the_token_endpoints_are_in_the_schema(client, analyst):
    client.force_login(analyst)
    openapi = client.get("/api/schema/?format=json").json()
    paths = openapi["paths"]
    assert set(paths[TOKENS_URL]) == {"get"}
    assert set(paths[TOKENS_URL + "{id}/"]) == {"delete"}
    assert set(openapi["components"]["schemas"]["Token"]["properties"]) == {"token", "expiry"}
