"""Texts of the notifications that the accounts app raises (registered with the notifications app)."""

from django.utils.translation import gettext_lazy as _

ACCOUNT_MESSAGES = {
    "account.blocked": _(
        "Your account is blocked until %(until)s: you can read, but not submit, comment or support. "
        "Reason: %(reason)s"
    ),
}
