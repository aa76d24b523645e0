from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.http import urlencode

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
