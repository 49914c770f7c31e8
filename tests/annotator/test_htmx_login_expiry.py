"""An htmx request after the session ended: a 401 that sends the page to the login form, and back after it."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from annotator.middleware import HtmxLoginRedirectMiddleware
from annotator.models import Annotation

LOGGED_OUT = "You were logged out: log in again to go on."


def htmx_headers(current_url: str) -> dict[str, str]:
    return {"HX-Request": "true", "HX-Current-URL": current_url}


def tag_data(article) -> dict[str, object]:
    paragraph = article.paragraphs.get(position=0)
    return {
        "paragraph": paragraph.pk,
        "start": 0,
        "end": 3,
        "quote": paragraph.text[:3],
        "label": "speculation",
    }


def test_a_tag_after_the_session_ended_sends_the_page_to_login_and_back(client, article, labels):
    page = f"http://testserver{article.get_absolute_url()}?layer=all"

    response = client.post(
        reverse("annotator:span-create", args=[article.pk]), tag_data(article), headers=htmx_headers(page)
    )

    assert response.status_code == 401
    assert response["HX-Redirect"] == f"/accounts/login/?next=/articles/{article.pk}/%3Flayer%3Dall"
    assert response.content.decode() == LOGGED_OUT
    assert not Annotation.objects.exists()
    login_page = client.get(response["HX-Redirect"]).content.decode()
    assert f'<p class="notice-inline" role="status">{LOGGED_OUT}</p>' in login_page
    assert f'<input type="hidden" name="next" value="/articles/{article.pk}/?layer=all">' in login_page


def test_a_panel_refresh_after_the_session_ended_also_goes_to_login(client, article):
    response = client.get(
        reverse("annotator:article-panel", args=[article.pk]),
        headers=htmx_headers(f"http://testserver{article.get_absolute_url()}"),
    )
    assert (response.status_code, response["HX-Redirect"]) == (
        401,
        f"/accounts/login/?next=/articles/{article.pk}/",
    )


def test_a_page_of_another_site_is_not_offered_as_next(client, article, labels):
    response = client.post(
        reverse("annotator:span-create", args=[article.pk]),
        tag_data(article),
        headers=htmx_headers(f"https://evil.example{article.get_absolute_url()}"),
    )
    assert (response.status_code, response["HX-Redirect"]) == (401, "/accounts/login/")


def test_requests_without_htmx_keep_the_plain_login_redirect(client, article, labels):
    response = client.post(reverse("annotator:span-create", args=[article.pk]), tag_data(article))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/articles/{article.pk}/spans/new/"
    assert "HX-Redirect" not in response


def test_a_history_restore_keeps_the_redirect_htmx_swaps_in_as_the_page(client, db):
    response = client.get(
        "/?q=palmyra", headers={**htmx_headers("http://testserver/"), "HX-History-Restore-Request": "true"}
    )
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/%3Fq%3Dpalmyra")


def test_a_logged_in_user_sent_to_login_is_not_told_they_were_logged_out(analyst):
    request = RequestFactory().get("/admin/", headers=htmx_headers("http://testserver/"))
    request.user = analyst
    middleware = HtmxLoginRedirectMiddleware(lambda request: redirect_to_login("/admin/"))
    response = middleware(request)
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/admin/")

    request.user = AnonymousUser()
    assert middleware(request).status_code == 401


def test_other_answers_pass_through(db):
    request = RequestFactory().get("/", headers=htmx_headers("http://testserver/"))
    request.user = AnonymousUser()
    answer = HttpResponse("fine")
    assert HtmxLoginRedirectMiddleware(lambda request: answer)(request) is answer
