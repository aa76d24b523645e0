from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from portal.core.middleware import SECOND_FACTOR_NEXT_KEY
from portal.core.roles import is_staff_member

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """The current page in every language: (code, name in that language, url, is_current).

    Keeps the query string so that a filtered list stays filtered in the other language.
    """
    request = context.get("request")
    current = context.get("LANGUAGE_CODE")
    native_names = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
    links = []
    for code, _name in settings.LANGUAGES:
        path = translate_url(request.path, code) if request else f"/{code}/"
        url = f"{path}?{urlencode(request.GET, doseq=True)}" if request and request.GET else path
        # `path` (no query) is the page's address in `code`, for <link rel="alternate" hreflang>.
        links.append(
            {
                "code": code,
                "name": native_names.get(code, code),
                "url": url,
                "path": path,
                "current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def after_second_factor_url(context) -> str:
    """Where a person who has just set up a second factor goes on: the staff page they asked for (a local
    URL only), else the staff area for staff, else nowhere ("")."""
    request = context.get("request")
    if request is None:
        return ""
    wanted = request.session.get(SECOND_FACTOR_NEXT_KEY, "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("staff_dashboard") if is_staff_member(request.user) else ""
