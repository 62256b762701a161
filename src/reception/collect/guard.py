"""Which addresses the collector may fetch: http(s) only, and, unless the operator allows it
(RECEPTION_COLLECT_ALLOW_PRIVATE), only public addresses. A submitted link or a feed item must
not make this machine request its own admin pages, a cloud's metadata service or the local
network (server-side request forgery).

Every hop is checked: the first URL and each redirect's target, before it is requested. The
host's name is resolved here and every address it resolves to must be public; a name that
resolves differently a moment later (DNS rebinding) is not caught, which is why a deployment
that fears it should also refuse private ranges at its firewall (docs/collect.md).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class Refused(ValueError):
    """A URL the collector will not fetch; the message says why."""


def check_url(url: str, allow_private: bool) -> None:
    """Raise Refused unless `url` is an http(s) URL on a host we may reach."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused(f"only http and https are fetched, not {parts.scheme or 'a URL without a scheme'}")
    host = parts.hostname
    if not host:
        raise Refused("the URL names no host")
    if parts.username or parts.password:
        raise Refused("a URL with a user name or password is not fetched")
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused("the URL's port is not a number from 0 to 65535") from None
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(f"the host {host} is not found ({exc})") from None
    for *_, address in found:
        ip = ipaddress.ip_address(address[0].split("%")[0])
        if not ip.is_global:
            raise Refused(f"{host} is a {_kind(ip)} address ({ip}): set RECEPTION_COLLECT_ALLOW_PRIVATE=1 to "
                          "collect from it")


def _kind(ip) -> str:
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private:
        return "private"
    return "reserved"
