import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_EMAIL_LIKE = re.compile(r"\S+@\S+\.\S+")
_DIGITS = re.compile(r"\d")


def validate_display_name(value: str) -> None:
    """A public name: 2–60 characters, no email address, no long digit runs (IIN, phone)."""
    if len(value) < 2:
        raise ValidationError({"display_name": _("The public name needs at least 2 characters.")})
    if len(value) > 60:
        raise ValidationError({"display_name": _("The public name can have at most 60 characters.")})
    if _EMAIL_LIKE.search(value):
        raise ValidationError({"display_name": _("Do not use an email address as your public name.")})
    if len(_DIGITS.findall(value)) >= 6:
        raise ValidationError(
            {"display_name": _("The public name must not contain an identity or phone number.")}
        )
