"""Fetching pages to import: only public HTML within the limits, each refusal a clear message."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from articles.fetch import FetchRefused, fetch, refusal_reason
from tests.page_server import ARTICLE_HTML, Route


def refused(url: str) -> str:
    with pytest.raises(FetchRefused) as caught:
        fetch(url)
    return str(caught.value)


def test_a_page_on_an_allowed_network_is_fetched(page_server):
    url = page_server.page("/story")
    page = fetch(url)
    assert (page.url, page.content, page.charset) == (url, ARTICLE_HTML.encode(), "utf-8")


def test_loopback_is_refused_unless_allowed(page_server, settings):
    url = page_server.page("/story")
    settings.FETCH_ALLOWED_NETWORKS = []
    assert refused(url) == (
        "127.0.0.1 is a loopback address; pages are fetched only from the public internet "
        "(an intranet range can be allowed with FETCH_ALLOWED_NETWORKS)"
    )
    assert page_server.requests == []


def test_a_name_is_checked_after_it_is_resolved(page_server, settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    assert "localhost (" in refused(f"http://localhost:{page_server.port}/story")
    assert "is a loopback address" in refused(f"http://localhost:{page_server.port}/story")


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("10.1.2.3", "a private address"),
        ("192.168.0.10", "a private address"),
        ("172.16.5.4", "a private address"),
        ("169.254.169.254", "the cloud metadata address"),
        ("fd00:ec2::254", "the cloud metadata address"),
        ("169.254.10.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("224.0.0.251", "a multicast address"),
        ("0.0.0.0", "a reserved address"),
        ("240.0.0.1", "a reserved address"),
        ("100.64.0.1", "an address not reachable on the public internet"),
        ("93.184.215.14", None),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),
    ],
)
def test_which_addresses_are_refused(address, reason):
    assert refusal_reason(ipaddress.ip_address(address)) == reason


def test_the_metadata_address_is_refused_even_inside_an_allowed_range(settings):
    settings.FETCH_ALLOWED_NETWORKS = ["169.254.0.0/16", "10.0.0.0/8"]
    assert refusal_reason(ipaddress.ip_address("169.254.169.254")) == "the cloud metadata address"
    assert refusal_reason(ipaddress.ip_address("10.20.30.40")) is None


def test_a_redirect_to_a_private_address_is_refused(page_server):
    url = page_server.redirect("/moved", "http://10.1.2.3/internal")
    assert refused(url) == (
        "10.1.2.3 is a private address; pages are fetched only from the public internet "
        "(an intranet range can be allowed with FETCH_ALLOWED_NETWORKS)"
    )


def test_a_redirect_to_the_metadata_service_is_refused(page_server):
    url = page_server.redirect("/moved", "http://169.254.169.254/latest/meta-data/")
    assert refused(url).startswith("169.254.169.254 is the cloud metadata address;")


def test_redirects_are_followed_up_to_the_limit(page_server, settings):
    page_server.page("/story")
    page_server.redirect("/a", "/story", status=301)
    assert fetch(page_server.url("/a")).url == page_server.url("/story")
    for hop in range(6):
        page_server.redirect(f"/loop{hop}", f"/loop{hop + 1}")
    assert refused(page_server.url("/loop0")) == (
        f"{page_server.url('/loop0')} redirects more than 5 times (FETCH_MAX_REDIRECTS); "
        f"last to {page_server.url('/loop6')}"
    )
    assert [path for path, _ in page_server.requests][-1] == "/loop5"


def test_only_http_and_https(page_server):
    assert refused("ftp://example.org/story.html") == (
        "only http and https addresses can be imported, not ftp: (ftp://example.org/story.html)"
    )
    assert (
        refused("file:///etc/passwd")
        == "only http and https addresses can be imported, not file: (file:///etc/passwd)"
    )
    assert refused("https://user:secret@example.org/") == (
        "addresses with a user name or password in them are not fetched"
    )


def test_a_50_megabyte_page_is_cut_off_at_the_limit(page_server):
    def fifty_megabytes():
        yield b"<!doctype html><html><body><p>"
        for _ in range(50 * 16):
            yield b"a" * 65536

    page_server.routes["/huge"] = Route(headers={"Content-Type": "text/html"}, body=fifty_megabytes)
    assert refused(page_server.url("/huge")) == (
        f"the page at {page_server.url('/huge')} is larger than 10,485,760 bytes (FETCH_MAX_BYTES); "
        "the download was stopped there"
    )


def test_a_declared_size_over_the_limit_is_refused_before_reading(page_server):
    page_server.routes["/big"] = Route(
        headers={"Content-Type": "text/html", "Content-Length": str(50 * 2**20)}, body=lambda: iter([b"<p>"])
    )
    assert refused(page_server.url("/big")) == (
        f"the page at {page_server.url('/big')} is 52,428,800 bytes; "
        "the limit is 10,485,760 bytes (FETCH_MAX_BYTES)"
    )


def test_a_wrong_content_type_is_refused(page_server):
    url = page_server.page("/picture", b"\x89PNG\r\n\x1a\n" + bytes(100), content_type="image/png")
    assert refused(url) == f"{url} is not an HTML page: the server says 'image/png'"


def test_a_slow_server_times_out(page_server, settings):
    settings.FETCH_TIMEOUT_SECONDS = 1
    page_server.routes["/slow"] = Route(headers={"Content-Type": "text/html"}, body=b"<p>late</p>", delay=3)
    assert refused(page_server.url("/slow")) == "127.0.0.1 did not answer within 1 seconds"


def test_an_error_status_is_refused(page_server):
    assert (
        refused(page_server.url("/missing"))
        == f"the server answered 404 Not Found for {page_server.url('/missing')}"
    )


def test_an_unresolvable_name_is_refused():
    assert refused("http://no-such-host.invalid/") == "the host name no-such-host.invalid cannot be resolved"


def test_a_name_with_any_private_address_is_refused(monkeypatch):
    # A rebinding name answers one public and one private address: neither is used.
    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    assert refused("http://rebind.test/").startswith("rebind.test (127.0.0.1) is a loopback address;")


def test_the_connection_goes_to_the_checked_address_with_the_name_in_the_host_header(
    page_server, monkeypatch
):
    page_server.page("/story")
    answers = iter(["127.0.0.1", "10.9.9.9"])  # a second lookup would get a private address
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "news.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    page = fetch(f"http://news.test:{page_server.port}/story")
    assert page.content == ARTICLE_HTML.encode()
    assert page_server.requests[0][1]["Host"] == f"news.test:{page_server.port}"


def test_odd_addresses_are_refused_with_their_reason(page_server):
    page_server.redirect("/broken", "http://[::1")
    assert refused(page_server.url("/broken")) == (
        f"{page_server.url('/broken')} redirects to an invalid address: 'http://[::1'"
    )
    assert refused("http://example.org:99999/") == (
        "'http://example.org:99999/' is not a valid URL: Port out of range 0-65535"
    )
    assert refused("http://example.org/a\r\nX-Injected: 1") == (
        "the address 'http://example.org/a\\r\\nX-Injected: 1' contains control characters "
        "(line breaks, tabs)"
    )
    page_server.page("/story")
    assert refused(f"https://127.0.0.1:{page_server.port}/story") == (
        "no verified secure (TLS) connection to 127.0.0.1 can be made"
    )
