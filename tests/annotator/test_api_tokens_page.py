"""The "API tokens" page lists the user's own tokens and revokes them."""

from knox.models import AuthToken


def test_the_page_lists_only_the_users_own_tokens(client, analyst, colleague):
    mine, _ = AuthToken.objects.create(analyst)
    theirs, _ = AuthToken.objects.create(colleague)
    client.force_login(analyst)
    page = client.get("/accounts/tokens/").content.decode()
    assert f"<code>{mine.token_key}…</code>" in page
    assert theirs.token_key not in page
    assert '<a href="/accounts/tokens/">API tokens</a>' in page


def test_revoking_a_token_ends_it(client, analyst):
    token, secret = AuthToken.objects.create(analyst)
    client.force_login(analyst)
    response = client.post(f"/accounts/tokens/{token.token_key}/revoke/", follow=True)
    assert response.redirect_chain == [("/accounts/tokens/", 302)]
    assert f"Token {token.token_key}… revoked: it no longer works." in response.content.decode()
    assert not AuthToken.objects.filter(user=analyst).exists()


def test_another_users_token_cannot_be_revoked(client, analyst, colleague):
    theirs, _ = AuthToken.objects.create(colleague)
    client.force_login(analyst)
    assert client.post(f"/accounts/tokens/{theirs.token_key}/revoke/").status_code == 404
    assert AuthToken.objects.filter(user=colleague).count() == 1


def test_the_page_needs_login(client, db):
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
