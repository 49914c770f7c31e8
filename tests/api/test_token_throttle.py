"""Password guessing at the token endpoint: DRF throttles per address and per account answer 429 with
Retry-After and a JSON message, before any password is checked."""

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

TOKEN_URL = "/api/v1/auth/token/"
RIGHT = "correct horse battery staple"
THROTTLED = (
    "Too many token requests for this account or from this address. Expected available in 3600 seconds."
)


@pytest.fixture
def rates(monkeypatch):
    # DRF reads the rates into the throttle classes once, at import: overriding the setting comes too late.
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"token-address": "5/hour", "token-account": "3/hour"}
    )
    # A stopped clock: on a busy machine the tries span a second or more, and Retry-After would read 3599.
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: 1_800_000_000.0)


def ask(username: str, password: str, address: str = "203.0.113.5"):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_an_account_is_throttled_from_every_address(rates, analyst):
    for n in range(3):
        assert ask("alice", "wrong", address=f"198.51.100.{n}").status_code == 400
    response = ask("alice", RIGHT, address="198.51.100.99")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert response.json() == {"detail": THROTTLED}


def test_an_address_is_throttled_for_every_account(rates, analyst, colleague, outsider):
    for username in ["alice", "alice", "bob", "bob", "charlie"]:
        assert ask(username, "wrong").status_code == 400
    response = ask("charlie", RIGHT)
    assert response.status_code == 429 and response["Retry-After"] == "3600"


def test_another_account_from_another_address_still_gets_a_token(rates, analyst, colleague):
    for _ in range(5):
        ask("alice", "wrong")
    response = ask("bob", RIGHT, address="198.51.100.7")
    assert response.status_code == 200 and response.json()["token"]


def test_the_throttle_is_documented_in_the_schema(client, analyst):
    client.force_login(analyst)
    token = client.get("/api/schema/?format=json").json()["paths"][TOKEN_URL]["post"]
    assert "429" in token["responses"]
    assert "Retry-After" in token["responses"]["429"]["headers"]


def test_wrong_token_requests_do_not_lock_the_login_page(client, analyst, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert ask("alice", "wrong", address="127.0.0.1").status_code == 400
    response = client.post("/accounts/login/", {"username": "alice", "password": RIGHT})
    assert (response.status_code, response["Location"]) == (302, "/")
