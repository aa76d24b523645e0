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
        url = translate_url(request.path, code) if request else f"/{code}/"
        if request and request.GET:
            url = f"{url}?{urlencode(request.GET, doseq=True)}"
        links.append(
            {"code": code, "name": native_names.get(code, code), "url": url, "current": code == current}
        )
    return links
