"""Texts of the notifications that the accounts app raises (registered with the notifications app)."""

from django.utils.translation import gettext_lazy as _

ORGANISATION_REMOVED = "organisation.member_removed"
ORGANISATION_VERIFIED = "organisation.verified"
ORGANISATION_REFUSED = "organisation.refused"
ORGANISATION_NAMED = "organisation.member_named"

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
    ORGANISATION_VERIFIED: _(
        "“%(organisation)s” is verified: its members who may act on its behalf can now submit proposals "
        "for it."
    ),
    ORGANISATION_REFUSED: _(
        "An administrator did not verify “%(organisation)s”, so nobody can submit on its behalf. Correct its "
        "details on its members page and save: it goes back to verification. Reason: %(reason)s"
    ),
    ORGANISATION_NAMED: _(
        "%(by)s changed your role in “%(organisation)s”: your public name is now shown on the organisation's "
        "page among those who act for it. If you do not want that, leave the organisation on your account "
        "page."
    ),
}
