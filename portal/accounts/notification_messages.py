"""Texts of the notifications that the accounts app raises (registered with the notifications app)."""

from django.utils.translation import gettext_lazy as _

ORGANISATION_REMOVED = "organisation.member_removed"

ACCOUNT_MESSAGES = {
    "account.blocked": _(
        "Your account is blocked until %(until)s: you can read, but not submit, comment or support. "
        "Reason: %(reason)s"
    ),
    ORGANISATION_REMOVED: _(
        "%(by)s removed you from the members of “%(organisation)s”: you no longer act for it, and what you "
        "submitted for it stays the organisation's. If you think this is a mistake, write to its "
        "representatives, listed on the organisation's page."
    ),
}
