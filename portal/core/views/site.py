"""Files every site answers at a fixed address: robots.txt, favicon.ico and /.well-known/security.txt."""

from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.generic import RedirectView

# Staff, account and form pages are of no use in search results; everything public may be crawled.
ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /api/
Disallow: /*/admin/
Disallow: /*/staff/
Disallow: /*/moderation/
Disallow: /*/accounts/
Disallow: /*/notifications/
Allow: /
"""
# RFC 9116 wants a security.txt renewed within a year; served fresh, it always expires this far ahead.
SECURITY_TXT_LIFETIME = timedelta(days=180)
SECURITY_TXT_LANGUAGES = "kk, ru, en"


@require_safe
def robots_txt(request):
    # Crawlers take the sitemap's address absolute, on the site's public address whatever host was asked.
    sitemap = f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}\n"
    return HttpResponse(ROBOTS + sitemap, content_type="text/plain; charset=utf-8")


def _contact_uri(contact: str) -> str:
    return contact if contact.startswith(("mailto:", "https://", "tel:")) else f"mailto:{contact}"


@require_safe
def security_txt(request):
    """Where and how to report a security hole (RFC 9116). Expires at a midnight (UTC) half a year ahead, so
    the file is the same all day and a cached copy never outlives the date it states."""
    contacts = settings.SECURITY_CONTACT or ([settings.CONTACT_EMAIL] if settings.CONTACT_EMAIL else [])
    if not contacts:
        raise Http404("no security contact is configured")
    expires = (timezone.now() + SECURITY_TXT_LIFETIME).replace(hour=0, minute=0, second=0, microsecond=0)
    lines = [f"Contact: {_contact_uri(contact)}" for contact in contacts]
    lines.append(f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    lines.append(f"Preferred-Languages: {SECURITY_TXT_LANGUAGES}")
    lines.append(f"Canonical: {settings.SITE_URL}{reverse('security_txt')}")
    if settings.SECURITY_POLICY_URL:
        lines.append(f"Policy: {settings.SECURITY_POLICY_URL}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class FaviconRedirect(RedirectView):
    """Browsers ask for /favicon.ico on pages that name no icon (the Django admin): ours, not a 404."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


favicon = FaviconRedirect.as_view()
