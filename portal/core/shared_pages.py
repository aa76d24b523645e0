"""Signed-in pages shared by every reader in the same situation; only the person's own parts are added.

A signed-in citizen's list, proposal or article page differs from their neighbour's in a few places: the
account links in the header (name, unread count), flash messages, the CSRF token of each form, and a few
facts about the reader and this page (supports it, follows it, may comment). Rendering the whole page for each
request costs forty times a trivial view, so it is rendered once for each *situation* and shared:

- The view names the situation: a tuple of every fact about the reader that the page shows outside its
  personal parts (`(supports, follows, may_comment, …)`), or `None` when the page is the reader's own (an
  author, a moderator: rendered for them alone, as before).
- The page is rendered with a stand-in for the reader (`SignedInReader`: signed in, but nobody in particular),
  so that nothing outside the personal parts can show one person's data to another, and with a placeholder
  for the CSRF token (`portal.core.fragments.csrf_placeholder`).
- Parts that belong to the person are marked in templates with `{% personal "template.html" %}`: when shared,
  the page keeps a marker there, and each request renders that small template with its own request context.
- A stored page is given out only while the generations it was rendered under are current and for
  `PAGE_CACHE_SECONDS` at most, exactly as the anonymous page cache (`portal/core/page_cache.py`) does, and a
  situation's stored page is the same for every reader in it: the key is the address, the language and the
  situation, never the person.

tests/proposals/test_signed_in_pages.py renders each page for readers in many situations, shared and
unshared, and asserts that each gets the same HTML either way.
"""

from __future__ import annotations

import functools
import hashlib
import re

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.template import Context, Variable, VariableDoesNotExist, engines
from django.template.loader import get_template, render_to_string
from django.utils.translation import get_language

from . import page_cache
from .csrf_tokens import masked_token
from .fragments import csrf_placeholder
from .http import wants_fragment
from .lru import ProcessLRU

PREFIX = "signed-in"


class SignedInReader:
    """Stands for the reader while a shared page renders: signed in, with no identity, name or powers, so a
    template that reads the person outside a personal part shows nobody's data."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None
    display_name = ""

    def __str__(self) -> str:
        return ""


def personal_marker(template_name: str, reads: str = "") -> str:
    """What a shared page holds in place of a personal part; derived from the secret key, so that no text a
    person writes can contain it. `reads` names the context values the part shows (see `_personalised`)."""
    return f"{_markers(settings.SECRET_KEY)[0]}{template_name}{'|' + reads if reads else ''}-->"


def rendering_shared(context) -> bool:
    """Whether a template is being rendered as a shared page (the `{% personal %}` tag asks)."""
    return bool(context.get("rendering_shared_page"))


def render_for_reader(
    request, template_name: str, context, *, situation, tags=(), leaves_out=()
) -> HttpResponse:
    """The page for this request: shared with every reader in `situation` when the reader is signed in and
    the situation is not `None`, rendered for this request alone otherwise. `context` is the template's
    context, or a function that returns it (and may raise Http404), called only when the page is rendered:
    a stored page exists only if it was rendered under the current generations (`tags` and `leaves_out` as
    in `page_cache.kept`)."""
    if situation is None or not _shareable_request(request):
        response = HttpResponse(render_to_string(template_name, _context(context), request))
        if request.user.is_authenticated:
            response["X-Signed-In-Page"] = "own"
        return response
    html, state = page_cache.kept(
        _page_key(request, situation),
        tags,
        lambda: render_to_string(template_name, {**_context(context), **_shared_context()}, request),
        leaves_out=leaves_out,
    )
    response = HttpResponse(_personalised(request, html))
    response["X-Signed-In-Page"] = state if state in ("hit", "stale", "waited") else "miss"
    return response


def _context(context) -> dict:
    return context() if callable(context) else context


def _shareable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and bool(settings.PAGE_CACHE_SECONDS)
        and request.user.is_authenticated
    )


def _shared_context() -> dict:
    return {
        "rendering_shared_page": True,
        "user": SignedInReader(),
        "perms": {},
        "messages": (),
        "csrf_token": csrf_placeholder(),
    }


def _page_key(request, situation) -> str:
    variant = "htmx" if wants_fragment(request) else "page"
    address = hashlib.sha256(f"{request.get_full_path()}\n{situation!r}".encode()).hexdigest()[:40]
    return f"{PREFIX}:{request.LANGUAGE_CODE}:{variant}:{address}"


def _personalised(request, html: str) -> str:
    """Fills the personal parts and the CSRF token of a shared page for this request.

    A part that names what it reads (`{% personal "…" reads="user.pk unread_notifications" %}`) is rendered
    once per process for each combination of those values and the language, and taken from memory after:
    the header's account links cost more to render than the rest of a stored page's delivery. The values
    always include whose part it is (`user.pk`), so a part is never given to another person."""
    marker = _markers(settings.SECRET_KEY)[1]
    rendered: dict[str, str] = {}
    context = None

    def part(match: re.Match) -> str:
        nonlocal context
        name, reads = match.group(1), match.group(2)
        if name == MESSAGES_PART and name not in rendered and not get_messages(request):
            # The flash messages' region is empty on nearly every page, and then the same for everyone: kept
            # once, without running the context processors for it (counting does not mark messages as read).
            rendered[name] = _remembered_parts.remembered(
                (name, "empty"), lambda: _render_part(name, Context({"messages": ()}))
            )
        if name not in rendered:
            # The context processors run once for all the parts, as they would for the whole page.
            context = context or Context(_request_context(request))
            if reads:
                key = (name, get_language(), *(_value(context, variable) for variable in _variables(reads)))
                rendered[name] = _remembered_parts.remembered(key, lambda: _render_part(name, context))
            else:
                rendered[name] = _render_part(name, context)
        return rendered[name]

    html = marker.sub(part, html)
    placeholder = csrf_placeholder()
    if placeholder in html:
        html = html.replace(placeholder, masked_token(request))
    return html


def _render_part(name: str, context) -> str:
    return get_template(name).template.render(context)


# The region of flash messages (templates/base.html).
MESSAGES_PART = "includes/messages.html"


@functools.cache
def _variables(reads: str) -> tuple[Variable, ...]:
    return tuple(Variable(path) for path in reads.split())


def _value(context, variable: Variable):
    try:
        return variable.resolve(context)
    except VariableDoesNotExist:
        return None


class _RecentParts(ProcessLRU):
    """The personal parts rendered last, shared by the threads of a process."""

    def remembered(self, key: tuple, render) -> str:
        html = self.get(key)
        if html is None:
            html = render()
            self.put(key, html)
        return html


# A few kilobytes each: a web process keeps the header of its last few thousand readers. What a part shows is
# a function of the values it reads, so a kept part is exactly what a fresh rendering would give.
_remembered_parts = _RecentParts(4096)


def forget_personal_parts() -> None:
    """Drops the kept parts (tests: a rolled-back database gives the next person an earlier person's id)."""
    _remembered_parts.clear()


def _request_context(request) -> dict:
    values = {}
    for processor in engines["django"].engine.template_context_processors:
        values.update(processor(request))
    return values


@functools.cache
def _markers(secret_key: str) -> tuple[str, re.Pattern]:
    """The start of every personal marker and the pattern that finds them, once per secret key."""
    start = f"<!--personal:{hashlib.sha256(f'personal-part:{secret_key}'.encode()).hexdigest()[:24]}:"
    return start, re.compile(re.escape(start) + r"([\w./-]+)(?:\|([\w. ]+))?-->")
