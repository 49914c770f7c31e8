"""Login and logout: Django's auth views with our templates; every other page needs login."""

import pytest


def test_the_login_page_is_styled_and_public(client, db):
    response = client.get("/accounts/login/?next=/articles/1/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<link rel="stylesheet" href="/static/css/app.css">' in body
    assert 'name="username"' in body and 'name="password"' in body
    assert '<input type="hidden" name="next" value="/articles/1/">' in body


def test_a_wrong_password_is_refused_with_a_message(client, analyst):
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logging_in_leads_to_the_article_list(client, analyst):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery staple"}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    assert "<h1>Articles</h1>" in response.content.decode()


def test_logging_out_takes_a_post_and_ends_the_session(client, analyst):
    client.force_login(analyst)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("path", ["/", "/articles/1/", "/articles/1/panel/", "/articles/1/history/"])
def test_pages_need_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_staff_see_the_admin_link_on_the_history_page(client, staff, article):
    client.force_login(staff)
    body = client.get(f"/articles/{article.pk}/history/").content.decode()
    assert 'href="/admin/annotator/annotationchange/"' in body
    assert client.get("/admin/annotator/annotationchange/").status_code == 200
