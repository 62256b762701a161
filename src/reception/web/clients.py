"""Who a request comes from: its address, taken from X-Forwarded-For only when it reached us
through a proxy we trust (RECEPTION_TRUSTED_PROXIES). Anyone can write that header: read from
any request, a new value on each would slip past every limit per address."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from ..config import setting


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(setting("RECEPTION_TRUSTED_PROXIES"))))


def client_address(request) -> str:
    """The client's address: the peer's, or, through trusted proxies, the nearest address in
    X-Forwarded-For that is not one of them."""
    address = request.META.get("REMOTE_ADDR", "")
    if not _trusted(address):
        return address
    for hop in reversed([hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]):
        if hop and not _trusted(hop):
            return hop
    return address


def client_key(request) -> str:
    """What limits per client count by: the client's address, or for IPv6 its /64, the block
    one household or one server is given (a client holds millions of addresses within it)."""
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped:  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))
