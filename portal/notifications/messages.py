"""The texts of notifications, keyed by kind, and their links. Rendered in the reader's language at display
time: the language of the page in the centre, the recipient's preferred one in an email.

Each app registers the texts of the kinds it raises when it starts (`register_messages`); `notify` refuses a
kind that nobody registered, so a missing text fails the first test that raises it.
"""

from datetime import date, datetime

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.core.formats import format_when

# What a notice of staff work says to a recipient who has no second factor yet, in place of its own text:
# nothing of the work itself (whose answer, drafted by whom, returned for which reasons), which the staff page
# the link opens shows only once the second factor is set up and passed.
SECOND_FACTOR_NEEDED = "staff.second_factor_needed"

MESSAGES: dict[str, Promise] = {
    SECOND_FACTOR_NEEDED: _(
        "Work of your staff role waits for you on the portal. Staff pages open only with a second factor: "
        "set up an authenticator app on your account, then follow this link."
    ),
}


def register_messages(messages: dict[str, Promise]) -> None:
    MESSAGES.update(messages)


# Parameters stored as ISO 8601 moments, written in the reader's language when the message is shown.
MOMENT_PARAMS = ("until", "start", "deadline")


def _readable(params: dict) -> dict:
    readable = dict(params)
    for name in MOMENT_PARAMS:
        value = str(params.get(name, ""))
        try:
            if len(value) == len("2026-12-08"):
                readable[name] = format_when(date.fromisoformat(value), "date_long")
            else:
                # Written out: "07/12/2026" is 12 July to a reader used to US dates.
                readable[name] = format_when(datetime.fromisoformat(value), "datetime_long")
        except ValueError:
            continue
    return readable


class _Params(dict):
    """A notification's parameters in the reader's language: a value given per language ({"kk": …, "ru": …,
    "en": …}) is read in the active one; a parameter older notifications lack reads as a dash."""

    def __missing__(self, key):
        return "—"

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if isinstance(value, dict):
            language = (get_language() or "kk")[:2]
            return value.get(language) or next((text for text in value.values() if text), "—")
        return value


def render_message(kind: str, params: dict) -> str:
    template = MESSAGES.get(kind)
    if template is None:
        return kind
    try:
        # The lazy text itself takes the parameters: a plural text picks its form by the number among them.
        return str(template % _Params(_readable(params)))
    except (TypeError, ValueError):
        return str(template)


def in_every_language(*texts: Promise, separator: str = ", ") -> dict[str, str]:
    """A parameter given per language: the translatable texts joined, in each of the site's languages, so
    that every recipient reads it in theirs (see `_Params`)."""
    values = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            values[code] = separator.join(str(text) for text in texts)
    return values


def link_in(url: str, language: str) -> str:
    """The notification's link opening its page in `language`.

    Links are stored as the actor's request built them (`get_absolute_url()` under that page's language
    prefix), so the prefix is replaced here rather than trusted: a person reads the link in the language they
    read the notification in. Links without a language prefix (another site, a path outside `i18n_patterns`)
    are left as they are.
    """
    for code, _name in settings.LANGUAGES:
        if url.startswith(f"/{code}/"):
            return f"/{language}{url.removeprefix(f'/{code}')}"
    return url
