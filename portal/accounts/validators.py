import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.core import lookalikes, registries

_EMAIL_LIKE = re.compile(r"\S+@\S+\.\S+")
_DIGITS = re.compile(r"\d")
# The words of staff badges ("Moderator", "Commission member", "Administrator", "Official Commission comment")
# in kk, ru and en, as word beginnings: a public name with one of them, in any look-alike spelling, could pass
# for staff.
# The Cyrillic words are also written in Latin letters as they sound (Kazakh's Latin alphabet, Russian
# transliteration): "Komissiya", "Resmi", "Äkımşı", "Ofitsialnyi".
_RESERVED_STEMS = (
    "moderat", "commission", "admin", "official",
    "модерат", "комисси", "комисс", "админ", "официал",
    "әкімші", "ресми", "комиссия",
    "komis", "resmi", "akimshi", "akimsi", "akımsı", "ofitsial", "ofisial",
)  # fmt: skip
_RESERVED_FORMS = frozenset(form for stem in _RESERVED_STEMS for form in lookalikes.forms(stem))


def organisation_name_keys(value: str) -> frozenset[str]:
    """How an organisation's name reads: its visible words folded towards Cyrillic and towards Latin. Two
    names look the same when they share a key: "Аmanat" (a Cyrillic А), "Ama\u200bnat" and "AMANAT!" share
    those of "Amanat"."""
    words = lookalikes.seen_words(value)
    return frozenset(
        " ".join(fold(word) for word in words) for fold in (lookalikes.cyrillic_form, lookalikes.latin_form)
    )


def _uses_staff_words(value: str) -> bool:
    return any(
        form.startswith(reserved)
        for token in lookalikes.seen_words(value)
        for form in lookalikes.forms(token)
        for reserved in _RESERVED_FORMS
    )


def validate_organisation_name(value: str) -> None:
    """An organisation's name may not use the words of staff badges either: "Конституциялық комиссия" or
    "Official Commission" would speak for the Commission on its public page and on every proposal it signs."""
    if _uses_staff_words(value):
        raise ValidationError(
            {
                "name": _(
                    "This name uses a word reserved for the portal's staff (Commission, moderator, "
                    "administrator, official). If it is your organisation's registered name, write to the "
                    "Commission's office."
                )
            }
        )


def validate_display_name(value: str) -> None:
    """A public name: 2–60 characters, no email address, no long digit runs (IIN, phone)."""
    if len(value) < 2:
        raise ValidationError({"display_name": _("The public name needs at least 2 characters.")})
    if len(value) > 60:
        raise ValidationError({"display_name": _("The public name can have at most 60 characters.")})
    if _uses_staff_words(value):
        raise ValidationError(
            {"display_name": _("This name uses a word reserved for staff badges. Choose another name.")}
        )
    # The name stands beside every proposal and comment of the person, none of which screening would hold
    # for it.
    if any(refuses(value) for refuses in registries.public_name_refusals):
        raise ValidationError(
            {"display_name": _("This name contains a word not allowed on the portal. Choose another name.")}
        )
    # Full-width "＠" and "．" read as an address too.
    if _EMAIL_LIKE.search(unicodedata.normalize("NFKC", value)):
        raise ValidationError({"display_name": _("Do not use an email address as your public name.")})
    if len(_DIGITS.findall(value)) >= 6:
        raise ValidationError(
            {"display_name": _("The public name must not contain an identity or phone number.")}
        )
