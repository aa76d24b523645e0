"""Joining an organisation by invitation: belonging to a party or an NGO is a political opinion, so nobody
is named a member without saying yes.

A representative invites an email address; the address gets a signed link that works once, for
`INVITATION_DAYS`. Only a signed-in person who has confirmed that address on the portal can accept; whoever
holds the link can decline. Nothing a representative sees tells whether the address has an account.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.core.audit import audit_record
from portal.core.ratelimit import address_within, rate_limit_hit
from portal.notifications.email import email_queue

from .models import Organisation, OrganisationInvitation, OrganisationMembership, User
from .permissions import can_manage_members

INVITATION_DAYS = 7
# Per organisation and day: enough for a party to bring in its people, too few to mail strangers in bulk.
INVITATIONS_PER_DAY = 20
# The same per person, whatever organisations they registered (any account registers as many as it likes, and
# each invitation is an email from the portal with the organisation's name in it), and per client address for
# many such accounts.
INVITATIONS_PER_ADDRESS_PER_DAY = 60
INVITATION_SALT = "accounts.organisation_invitation"

Status = OrganisationInvitation.Status


def normalised_email(email: str) -> str:
    """The form every address is compared in: allauth and the user table compare case-insensitively."""
    return email.strip().lower()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def invitation_token(invitation: OrganisationInvitation, secret: str) -> str:
    return signing.dumps({"i": invitation.pk, "k": secret}, salt=INVITATION_SALT, compress=True)


def invitation_from_token(token: str) -> OrganisationInvitation | None:
    """The invitation a link names, in whatever state (its page says why a used one no longer works); None
    for a link the portal did not make."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return None
    invitation = OrganisationInvitation.objects.select_related("organisation").filter(pk=data["i"]).first()
    if invitation is None or not secrets.compare_digest(
        invitation.secret_hash, _hash(str(data.get("k", "")))
    ):
        return None
    return invitation


def invitation_refusal(invitation: OrganisationInvitation) -> str | None:
    """Why the invitation can no longer be answered, or None while it can."""
    if invitation.status in (Status.ACCEPTED, Status.DECLINED):
        return _("This invitation has already been answered.")
    if invitation.status == Status.WITHDRAWN:
        return _("The organisation has withdrawn this invitation.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired. Ask the organisation's representative to send a new one.")
    return None


def is_invitee(user, invitation: OrganisationInvitation) -> bool:
    """The person has confirmed the invited address: an unconfirmed one could be anybody's."""
    if not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists()


def _check_sender_pace(*, invited_by: User, ip: str | None) -> None:
    within = rate_limit_hit(
        scope="organisation_invite_sender",
        key=str(invited_by.pk),
        limit=INVITATIONS_PER_DAY,
        period_seconds=86400,
    )
    within = within and address_within(
        ip, scope="organisation_invite_ip", limit=INVITATIONS_PER_ADDRESS_PER_DAY, period_seconds=86400
    )
    if not within:
        raise ValidationError(
            _("Too many invitations were sent from your account or network today. Send more tomorrow.")
        )


@transaction.atomic
def invitation_send(
    *,
    organisation: Organisation,
    email: str,
    role: str,
    can_act_on_behalf: bool,
    invited_by: User,
    ip: str | None = None,
) -> OrganisationInvitation:
    """Emails `email` a link to join the organisation with `role`. Answers alike whether or not the address
    has an account, and replaces a waiting invitation to the same address (its link stops working)."""
    if not can_manage_members(invited_by, organisation):
        raise PermissionDenied(_("Only the organisation's representatives can invite members."))
    email = normalised_email(email)
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": _("Enter a valid email address.")}) from error
    if role not in OrganisationMembership.Role.values:
        raise ValidationError({"role": _("Choose representative or member.")})
    if not rate_limit_hit(
        scope="organisation_invite", key=str(organisation.pk), limit=INVITATIONS_PER_DAY, period_seconds=86400
    ):
        raise ValidationError(
            _("The organisation has sent %(count)d invitations today. Send more tomorrow.")
            % {"count": INVITATIONS_PER_DAY}
        )
    _check_sender_pace(invited_by=invited_by, ip=ip)
    now = timezone.now()
    OrganisationInvitation.objects.filter(
        organisation=organisation, email=email, status=Status.PENDING
    ).update(status=Status.WITHDRAWN, answered_at=now)
    secret = secrets.token_urlsafe(32)
    invitation = OrganisationInvitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        can_act_on_behalf=can_act_on_behalf,
        secret_hash=_hash(secret),
        invited_by=invited_by,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    # The address itself stays out of the audit log: the log outlives the invitation.
    audit_record(
        actor=invited_by,
        action="organisation.member_invited",
        target=organisation,
        details={"membership_role": role, "on_behalf": can_act_on_behalf},
    )
    _send_invitation_email(invitation, token=invitation_token(invitation, secret), invited_by=invited_by)
    return invitation


def _send_invitation_email(invitation: OrganisationInvitation, *, token: str, invited_by: User) -> None:
    """In the language of the account that confirmed the address (as its main one or another), else Kazakh,
    the state language."""
    confirmed = EmailAddress.objects.filter(email__iexact=invitation.email, verified=True)
    language = (
        User.objects.filter(pk__in=confirmed.values("user_id"))
        .values_list("preferred_language", flat=True)
        .first()
        or User.objects.filter(email__iexact=invitation.email)
        .values_list("preferred_language", flat=True)
        .first()
        or "kk"
    )
    organisation = invitation.organisation
    with translation.override(language):
        context = {
            "organisation": organisation,
            "kind": organisation.get_kind_display(),
            "role": invitation.get_role_display(),
            "can_act_on_behalf": invitation.can_act_on_behalf,
            "invited_by": invited_by.public_name,
            "days": INVITATION_DAYS,
            "invitation_url": settings.SITE_URL + reverse("organisation_invitation", kwargs={"token": token}),
        }
        subject = _("Invitation to join “%(name)s”") % {"name": organisation.name}
        body = render_to_string("account/email/organisation_invitation.txt", context)
    email_queue(
        message=EmailMessage(subject=f"[Qatysu] {subject}", body=body, to=[invitation.email]),
        language=language,
    )


def _locked_answerable(invitation: OrganisationInvitation) -> OrganisationInvitation:
    invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
    refusal = invitation_refusal(invitation)
    if refusal is not None:
        raise ValidationError(refusal)
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: OrganisationInvitation, user: User) -> OrganisationMembership:
    """Makes `user` a member as invited, once. A forwarded link makes nobody a member: the person must have
    confirmed the invited address. Someone who already belongs keeps their membership as it is (an
    invitation to an address must not demote its only representative)."""
    invitation = _locked_answerable(invitation)
    if not is_invitee(user, invitation):
        raise PermissionDenied(
            _(
                "This invitation was sent to another email address. Sign in with the account of that "
                "address, or add and confirm it under “Email addresses” in your account."
            )
        )
    membership, created = OrganisationMembership.objects.get_or_create(
        organisation_id=invitation.organisation_id,
        user=user,
        defaults={"role": invitation.role, "can_act_on_behalf": invitation.can_act_on_behalf},
    )
    invitation.status = Status.ACCEPTED
    invitation.answered_by = user
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_by", "answered_at"])
    if created:
        audit_record(
            actor=user,
            action="organisation.invitation_accepted",
            target=invitation.organisation,
            details={"membership_role": invitation.role, "on_behalf": invitation.can_act_on_behalf},
        )
    return membership


@transaction.atomic
def invitation_decline(*, invitation: OrganisationInvitation, user) -> None:
    """Whoever received the link may say no, with or without an account: the link came to their address."""
    invitation = _locked_answerable(invitation)
    answered_by = user if user.is_authenticated else None
    invitation.status = Status.DECLINED
    invitation.answered_by = answered_by
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_by", "answered_at"])
    audit_record(actor=answered_by, action="organisation.invitation_declined", target=invitation.organisation)


@transaction.atomic
def invitation_withdraw(*, invitation: OrganisationInvitation, withdrawn_by: User) -> None:
    """A representative takes back an invitation not yet answered; its link stops working."""
    if not can_manage_members(withdrawn_by, invitation.organisation):
        raise PermissionDenied(_("Only the organisation's representatives can withdraw invitations."))
    invitation = _locked_answerable(invitation)
    invitation.status = Status.WITHDRAWN
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    audit_record(
        actor=withdrawn_by, action="organisation.invitation_withdrawn", target=invitation.organisation
    )
