"""Public hearings: who runs them, who may register and who may ask to speak."""

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.permissions import has_verified_email
from portal.core.formats import format_when
from portal.core.roles import is_commission_member

from ..models.consultation import ConsultationStatus
from ..models.hearing import HearingStatus
from ..models.proposal import PUBLIC_STATUSES
from .proposal import has_interest_in

_TAKING_SPEAKER_REQUESTS = {HearingStatus.SCHEDULED, HearingStatus.POSTPONED}
# A hearing is public as soon as it is scheduled, so its consultation must be public too (not a draft), and an
# archived consultation takes nothing new.
CONSULTATIONS_TAKING_HEARINGS = (ConsultationStatus.PUBLISHED, ConsultationStatus.OUTCOME_PUBLISHED)


def can_manage_hearings(user) -> bool:
    """Commission members (and admins) schedule hearings, set agendas, decide on speakers, publish minutes."""
    return is_commission_member(user)


def can_decide_speaker_request(user, speaker_request) -> bool:
    """Commission members decide who presents a proposal, except on their own proposal or their
    organisation's: accepting would give themselves the floor at a public hearing."""
    return can_manage_hearings(user) and not has_interest_in(user, speaker_request.proposal)


def new_hearing_refusal(consultation) -> str | None:
    """Why a new hearing cannot be held in `consultation`, as a message for staff; None when it can."""
    if consultation is None:
        return _("Choose the consultation the hearing is about.")
    if consultation.status not in CONSULTATIONS_TAKING_HEARINGS:
        return _("Hearings are held only in published consultations that are not archived.")
    return None


def hearing_registration_refusal(user, hearing) -> str | None:
    """Why `user` may not register for `hearing` now, as a message for them; None when they may. A closed
    window is said first: "sign in" for a registration nobody can make would send the visitor in a circle."""
    if not hearing.registration_is_open():
        return _registration_closed_reason(hearing)
    if not user.is_authenticated:
        return _("Sign in to register for the hearing.")
    if not has_verified_email(user):
        return _("Confirm your email address to register for hearings.")
    return None


def _registration_closed_reason(hearing) -> str:
    """Whether registration will open, and when, rather than one "not open" for every case."""
    if hearing.status == HearingStatus.POSTPONED:
        return _("Registration resumes once the hearing has a new date.")
    if hearing.status == HearingStatus.LIVE or hearing.has_started:
        return _("The hearing has begun: registration is closed.")
    opens = hearing.registration_opens_at
    if hearing.status == HearingStatus.SCHEDULED and opens and timezone.now() < opens:
        return _("Registration opens on %(when)s.") % {"when": format_when(opens, "datetime_long")}
    closes = hearing.registration_closes_at
    if hearing.status == HearingStatus.SCHEDULED and closes and timezone.now() >= closes:
        return _("Registration closed on %(when)s.") % {"when": format_when(closes, "datetime_long")}
    return _("Registration for this hearing is not open.")


def can_cancel_hearing_registration(user, registration) -> bool:
    return user.is_authenticated and registration.user_id == user.pk


def speaker_request_refusal(user, hearing, proposal) -> str | None:
    """Authors may ask to present their own published proposal at a hearing that has not started."""
    if not user.is_authenticated:
        return _("Sign in to ask to speak.")
    if proposal.author_id != user.pk:
        return _("You can ask to present only your own proposal.")
    if proposal.status not in PUBLIC_STATUSES or proposal.consultation_id != hearing.consultation_id:
        return _("Only published proposals of this consultation can be presented.")
    if hearing.status not in _TAKING_SPEAKER_REQUESTS or hearing.has_started:
        return _("This hearing no longer takes speaker requests.")
    return None
