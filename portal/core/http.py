"""The client's address, as far as it can be trusted, and the keyed fingerprint of its network."""

import functools
import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac

# The networks that one household, office or small provider usually shares.
IPV4_NETWORK_PREFIX = 24
IPV6_NETWORK_PREFIX = 48
NETWORK_FINGERPRINT_LENGTH = 16
# What one IPv6 customer is usually given: a limit per address would let them use any of 2^64 addresses in
# turn. allauth's own limits count IPv6 the same way (ACCOUNT_RATE_LIMIT_IPV6_PREFIX, 64 by default).
IPV6_RATE_LIMIT_PREFIX = 64


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or with PORTAL_TRUSTED_PROXY_HOPS = n proxies in front, the address the outermost of
    them saw: the n-th entry from the right of X-Forwarded-For (entries further left are client-supplied).
    Only a connection from a proxy (PORTAL_TRUSTED_PROXY_NETWORKS) is asked: one that reached the web process
    around it would name any address it liked, and each new one would start its limits afresh."""
    hops = settings.PORTAL_TRUSTED_PROXY_HOPS
    peer = request.META.get("REMOTE_ADDR") or None
    if hops > 0 and _from_a_proxy(peer, tuple(settings.PORTAL_TRUSTED_PROXY_NETWORKS)):
        chain = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(chain) >= hops:
            return chain[-hops]
    return peer


@functools.lru_cache(maxsize=64)
def _from_a_proxy(peer: str | None, networks: tuple[str, ...]) -> bool:
    if not peer:  # a Unix socket: only the machine's own processes (nginx) reach it
        return True
    try:
        ip = ipaddress.ip_address(peer)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)


def ipv4_unmapped(address: str) -> str:
    """An IPv4 client as IPv4, also where a dual-stack socket reports it as IPv6 (::ffff:a.b.c.d)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    return str(ip.ipv4_mapped) if ip.version == 6 and ip.ipv4_mapped is not None else address


def rate_limit_address(address: str | None) -> str | None:
    """What a per-address limit counts: an IPv4 address (also written as IPv4-mapped IPv6) as it is, an IPv6
    address by its /64 network; None for a missing or unreadable address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 4:
        return str(ip)
    return str(ipaddress.ip_network(f"{ip}/{IPV6_RATE_LIMIT_PREFIX}", strict=False))


def network_fingerprint(address: str | None) -> str:
    """A keyed hash of the address's network (/24 for IPv4, /48 for IPv6), truncated: two addresses of one
    network give the same value, and without the SECRET_KEY the value names no address or network (a plain
    hash of the 2^24 IPv4 networks would be reversed in seconds). "" for a missing or unreadable address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_NETWORK_PREFIX if ip.version == 4 else IPV6_NETWORK_PREFIX
    network = ipaddress.ip_network(f"{ip}/{prefix}", strict=False)
    digest = salted_hmac("portal.core.http.network_fingerprint", str(network), algorithm="sha256")
    return digest.hexdigest()[:NETWORK_FINGERPRINT_LENGTH]


def wants_fragment(request) -> bool:
    """Whether htmx asked for the part of a page it swaps in. When the browser's history has no copy of a
    page it goes back to, htmx asks for it again with the same header (and `HX-History-Restore-Request`) and
    puts the answer in place of the whole body: that answer must be the whole page, or the page loses its
    header, navigation and form."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def query_without_page(request) -> str:
    """A list's query string without its page number: what its page links carry, so that turning the page
    keeps the filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
