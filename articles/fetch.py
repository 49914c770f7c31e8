"""Fetching a web page to import, safely: the server is the user's choice, so it must not reach ours.

Only http(s). The host name is resolved once per request and every address it resolves to is checked:
loopback, private, link-local, multicast, reserved and the cloud metadata addresses are refused (a
newsroom's intranet can be let in with FETCH_ALLOWED_NETWORKS; the metadata addresses never). The
connection then goes to the checked address itself, with the name only in the Host header and for TLS, so
a second DNS answer (DNS rebinding) cannot send it elsewhere. Redirects are followed by hand, each one
checked the same way, at most FETCH_MAX_REDIRECTS. The body is read in chunks and the read stops past
FETCH_MAX_BYTES or FETCH_TIMEOUT_SECONDS (for the whole fetch, redirects included); only HTML is taken.

urllib3 does the HTTP: it lets a connection pool be opened on an address while TLS checks the name, which
is what pinning the checked address needs; its own redirect handling is off, as it would re-resolve.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings

from articles.importers.article_record import ImportFailed

HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
# Cloud instance metadata (AWS, GCP, Azure, OpenStack; AWS's IPv6 one): refused even inside an allowed range.
METADATA_ADDRESSES = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
USER_AGENT = "Provenance/0.1 (news article import)"
CHUNK = 64 * 1024

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchRefused(ImportFailed):
    """The page cannot be fetched, or may not be. The message says why, for the person who gave the URL."""


@dataclass(frozen=True)
class FetchedPage:
    url: str  # where the page was found, after redirects
    content: bytes
    charset: str | None  # from the Content-Type header, if any


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for entry in settings.FETCH_ALLOWED_NETWORKS:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise FetchRefused(
                f"FETCH_ALLOWED_NETWORKS holds {entry!r}, which is not an address or a CIDR range"
            ) from None
    return networks


def refusal_reason(address: Address) -> str | None:
    """Return why the address may not be fetched from (e.g. "a private address"), or None when it may."""
    if address in METADATA_ADDRESSES:
        return "the cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is not None:
            return refusal_reason(embedded)
    if any(address in network for network in allowed_networks()):
        return None
    for reason, flag in [
        ("a loopback address", address.is_loopback),
        ("a link-local address", address.is_link_local),
        ("a multicast address", address.is_multicast),
        ("a reserved address", address.is_reserved or address.is_unspecified),
        ("a private address", address.is_private),
    ]:
        if flag:
            return reason
    if not address.is_global:
        return "an address not reachable on the public internet"
    return None


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written in the URL, without brackets
    port: int
    path: str  # path and query, what goes on the request line


def parse_url(url: str) -> Target:
    if any(ord(character) < 32 or ord(character) == 127 for character in url.strip()):
        raise FetchRefused(f"the address {url.strip()!r} contains control characters (line breaks, tabs)")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise FetchRefused(f"{url!r} is not a valid URL: {error}") from None
    if parts.scheme not in ("http", "https"):
        shown = f"{parts.scheme}:" if parts.scheme else "no scheme"
        raise FetchRefused(f"only http and https addresses can be imported, not {shown} ({url})")
    if not parts.hostname:
        raise FetchRefused(f"the address {url!r} names no host")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused("addresses with a user name or password in them are not fetched")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path)


def resolve(target: Target) -> Address:
    """Return the address to connect to; refuse when any address the name resolves to is not allowed."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchRefused(f"the host name {target.host} cannot be resolved") from None
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
    if not addresses:
        raise FetchRefused(f"the host name {target.host} cannot be resolved")
    for address in addresses:
        reason = refusal_reason(address)
        if reason:
            which = target.host if str(address) == target.host else f"{target.host} ({address})"
            raise FetchRefused(
                f"{which} is {reason}; pages are fetched only from the public internet "
                "(an intranet range can be allowed with FETCH_ALLOWED_NETWORKS)"
            )
    return addresses[0]


def _open(target: Target, address: Address, timeout: float) -> urllib3.BaseHTTPResponse:
    """Send the GET to `address`, naming `target.host` in the Host header and for TLS."""
    options = {"timeout": urllib3.Timeout(connect=timeout, read=timeout), "retries": False, "maxsize": 1}
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            str(address), target.port, server_hostname=target.host, assert_hostname=target.host, **options
        )
    else:
        pool = urllib3.HTTPConnectionPool(str(address), target.port, **options)
    default_port = 443 if target.scheme == "https" else 80
    host = f"[{target.host}]" if ":" in target.host else target.host
    headers = {
        "Host": host if target.port == default_port else f"{host}:{target.port}",
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
    }
    try:
        return pool.urlopen(
            "GET", target.path, headers=headers, redirect=False, preload_content=False, assert_same_host=False
        )
    except urllib3.exceptions.SSLError:
        raise FetchRefused(f"no verified secure (TLS) connection to {target.host} can be made") from None
    except (urllib3.exceptions.TimeoutError, TimeoutError):
        seconds = settings.FETCH_TIMEOUT_SECONDS
        raise FetchRefused(f"{target.host} did not answer within {seconds} seconds") from None
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise FetchRefused(f"{target.host} cannot be reached ({type(error).__name__})") from None


def _content_type(response: urllib3.BaseHTTPResponse) -> tuple[str, str | None]:
    message = Message()
    message["content-type"] = response.headers.get("Content-Type", "")
    return message.get_content_type() if response.headers.get("Content-Type") else "", message.get_param(
        "charset"
    )


def _read(response: urllib3.BaseHTTPResponse, url: str, deadline: float) -> bytes:
    limit = settings.FETCH_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchRefused(
            f"the page at {url} is {int(declared):,} bytes; the limit is {limit:,} bytes (FETCH_MAX_BYTES)"
        )
    body = bytearray()
    try:
        while chunk := response.read1(CHUNK):
            body += chunk
            if len(body) > limit:
                raise FetchRefused(
                    f"the page at {url} is larger than {limit:,} bytes (FETCH_MAX_BYTES); "
                    "the download was stopped there"
                )
            if time.monotonic() > deadline:
                raise FetchRefused(
                    f"the page at {url} took longer than {settings.FETCH_TIMEOUT_SECONDS} seconds to download"
                )
    except (urllib3.exceptions.TimeoutError, TimeoutError):
        raise FetchRefused(
            f"the page at {url} took longer than {settings.FETCH_TIMEOUT_SECONDS} seconds to download"
        ) from None
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise FetchRefused(f"the download of {url} failed ({type(error).__name__})") from None
    return bytes(body)


def fetch(url: str) -> FetchedPage:
    """Fetch an HTML page under the rules of this module; raise FetchRefused with the reason otherwise."""
    deadline = time.monotonic() + settings.FETCH_TIMEOUT_SECONDS
    start = url
    for _ in range(settings.FETCH_MAX_REDIRECTS + 1):
        target = parse_url(url)
        address = resolve(target)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchRefused(f"{url} did not answer within {settings.FETCH_TIMEOUT_SECONDS} seconds")
        response = _open(target, address, remaining)
        try:
            if response.status in REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchRefused(f"{url} redirects ({response.status}) but names no new address")
                try:
                    url = urljoin(url, location)
                except ValueError:
                    raise FetchRefused(f"{url} redirects to an invalid address: {location!r}") from None
                continue
            if response.status != 200:
                reason = f" {response.reason}" if response.reason else ""
                raise FetchRefused(f"the server answered {response.status}{reason} for {url}")
            content_type, charset = _content_type(response)
            if content_type not in HTML_TYPES:
                said = f"{content_type!r}" if content_type else "no content type"
                raise FetchRefused(f"{url} is not an HTML page: the server says {said}")
            return FetchedPage(url=url, content=_read(response, url, deadline), charset=charset)
        finally:
            response.release_conn()
            response.close()
    raise FetchRefused(
        f"{start} redirects more than {settings.FETCH_MAX_REDIRECTS} times (FETCH_MAX_REDIRECTS); "
        f"last to {url}"
    )
