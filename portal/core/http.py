"""The client's address, as far as it can be trusted."""

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or with PORTAL_TRUSTED_PROXY_HOPS = n proxies in front, the address the outermost of
    them saw: the n-th entry from the right of X-Forwarded-For (entries further left are client-supplied)."""
    hops = settings.PORTAL_TRUSTED_PROXY_HOPS
    if hops > 0:
        chain = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(chain) >= hops:
            return chain[-hops]
    return request.META.get("REMOTE_ADDR") or None
