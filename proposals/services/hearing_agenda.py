"""Writes on a hearing's agenda: items with their time slots, speakers and the proposals and articles they
discuss, and the requests of authors to present their proposal. Only Commission members edit the agenda."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.core.audit import audit_record
from proposals.permissions.hearing import can_decide_speaker_request, speaker_request_refusal
from proposals.permissions.proposal import has_interest_in

from ..models import AgendaItem, ArticleIdentity, Follow, Hearing, Proposal, SpeakerRequest
from ..models.proposal import PUBLIC_STATUSES
from ..models.translated import LANGUAGE_ORDER
from .hearing import require_hearing_manager
from .hearing_notices import notify_hearing_users


@dataclass(frozen=True, kw_only=True)
class AgendaItemInput:
    """An agenda item as staff write it; `position=None` puts a new item last (and keeps an item's place)."""

    title_kk: str = ""
    title_ru: str = ""
    title_en: str = ""
    speakers_kk: str = ""
    speakers_ru: str = ""
    speakers_en: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    position: int | None = None
    proposal_ids: tuple[int, ...] = ()
    article_ids: tuple[int, ...] = ()


AGENDA_TEXT_FIELDS = ("title_kk", "title_ru", "title_en", "speakers_kk", "speakers_ru", "speakers_en")
# What an agenda form's fields carry straight into the input (the chosen proposals and articles become ids).
AGENDA_ITEM_FIELDS = (*AGENDA_TEXT_FIELDS, "starts_at", "ends_at", "position")


def _next_position(hearing: Hearing) -> int:
    """The place after the last item of the agenda."""
    last = hearing.agenda_items.aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


@transaction.atomic
def agenda_item_save(
    *, actor: User, hearing: Hearing, data: AgendaItemInput, item: AgendaItem | None = None
) -> AgendaItem:
    """An agenda item with its time slot and speakers, linked to public proposals and articles of the
    hearing's consultation (others are refused)."""
    require_hearing_manager(actor)
    proposal_ids = sorted(set(data.proposal_ids))
    article_ids = sorted(set(data.article_ids))
    proposals = Proposal.objects.filter(
        pk__in=proposal_ids, consultation=hearing.consultation, status__in=PUBLIC_STATUSES
    )
    if proposals.count() != len(proposal_ids):
        raise ValidationError({"proposals": _("Choose published proposals of this consultation.")})
    # Putting one's own proposal (or one's organisation's) before a public hearing is for another member, as
    # accepting one's own speaker request is; a link a colleague made stays when the item is edited.
    linked = set(item.proposals.values_list("pk", flat=True)) if item is not None else set()
    if any(has_interest_in(actor, p) for p in proposals if p.pk not in linked):
        raise ValidationError(
            {
                "proposals": _(
                    "Another Commission member puts your own proposal or your organisation's on the agenda."
                )
            }
        )
    articles = ArticleIdentity.objects.published().filter(
        pk__in=article_ids, document__consultation=hearing.consultation
    )
    if articles.count() != len(article_ids):
        raise ValidationError({"articles": _("Choose published articles of this consultation's documents.")})
    if data.starts_at and data.ends_at and data.ends_at <= data.starts_at:
        raise ValidationError({"ends_at": _("The item must end after it starts.")})
    # The public agenda shows an item's time of day only, on the hearing's date: a slot on another day would
    # read as a wrong time on the hearing's.
    outside = _("An agenda item takes place during the hearing: between its start and its end.")
    if data.starts_at and not hearing.starts_at <= data.starts_at < hearing.ends_at:
        raise ValidationError({"starts_at": outside})
    if data.ends_at and not hearing.starts_at < data.ends_at <= hearing.ends_at:
        raise ValidationError({"ends_at": outside})
    if not any(getattr(data, f"title_{code}").strip() for code in ("kk", "ru", "en")):
        raise ValidationError({"title_kk": _("Give the item a title in at least one language.")})
    if item is None:
        item = AgendaItem(hearing=hearing)
        if data.position is None:
            item.position = _next_position(hearing)
    if data.position is not None:
        item.position = data.position
    for name in (*AGENDA_TEXT_FIELDS, "starts_at", "ends_at"):
        setattr(item, name, getattr(data, name))
    item.save()
    before = set(item.proposals.values_list("pk", flat=True))
    item.proposals.set(proposals)
    item.articles.set(articles)
    _notify_scheduled(hearing, [p for p in proposals if p.pk not in before], exclude=actor)
    return item


def _notify_scheduled(hearing: Hearing, proposals: list[Proposal], *, exclude=None) -> None:
    """Authors and followers of proposals newly put on the agenda learn when they will be discussed."""
    if not proposals:
        return
    people = {p.author_id for p in proposals}
    people |= set(Follow.objects.filter(proposal__in=proposals).values_list("user_id", flat=True))
    notify_hearing_users(hearing, people, kind="hearing.scheduled", category="hearings", exclude=exclude)


@transaction.atomic
def agenda_item_delete(*, actor: User, item: AgendaItem) -> None:
    require_hearing_manager(actor)
    # Who took an item, and which proposals with it, off a published agenda stays on record.
    audit_record(
        actor=actor,
        action="hearing.agenda_item_deleted",
        target=item,
        details={
            "hearing": item.hearing_id,
            "proposals": sorted(item.proposals.values_list("id", flat=True)),
        },
    )
    item.delete()


# --- speakers -------------------------------------------------------------------------------------------


@transaction.atomic
def speaker_request_create(
    *, user: User, hearing: Hearing, proposal: Proposal, message: str = ""
) -> SpeakerRequest:
    refusal = speaker_request_refusal(user, hearing, proposal)
    if refusal:
        raise PermissionDenied(refusal)
    try:
        with transaction.atomic():
            return SpeakerRequest.objects.create(
                hearing=hearing, proposal=proposal, user=user, message=message.strip()[:1000]
            )
    except IntegrityError:
        raise ValidationError(_("You already asked to present this proposal at this hearing.")) from None


@transaction.atomic
def speaker_request_decide(
    *, speaker_request: SpeakerRequest, actor: User, accept: bool, note: str = ""
) -> SpeakerRequest:
    """Accepts (the speaker joins the agenda item of their proposal, or a new one) or declines with a note;
    the requester is told either way."""
    require_hearing_manager(actor)
    locked = (
        SpeakerRequest.objects.select_for_update()
        .select_related("proposal", "hearing")
        .get(pk=speaker_request.pk)
    )
    if not can_decide_speaker_request(actor, locked):
        raise PermissionDenied(
            _(
                "Another Commission member decides on a request about your own proposal or your "
                "organisation's."
            )
        )
    if locked.status != SpeakerRequest.Status.PENDING:
        raise ValidationError(_("This request is already decided."))
    locked.status = SpeakerRequest.Status.ACCEPTED if accept else SpeakerRequest.Status.DECLINED
    locked.decision_note = note.strip()
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    if accept:
        item = locked.hearing.agenda_items.filter(proposals=locked.proposal).first()
        if item is None:
            item = AgendaItem.objects.create(
                hearing=locked.hearing,
                position=_next_position(locked.hearing),
                **{f"title_{locked.proposal.language}": locked.proposal.title},
            )
            item.proposals.add(locked.proposal)
        locked.agenda_item = item
    locked.save()
    # Declining lets a citizen not speak: a use of the Commission's power the audit log names, like any other.
    audit_record(
        actor=actor,
        action="hearing.speaker_accepted" if accept else "hearing.speaker_declined",
        target=locked,
        details={"hearing": locked.hearing_id, "proposal": locked.proposal_id},
    )
    notify_hearing_users(
        locked.hearing,
        [locked.user_id],
        kind="hearing.speaker_accepted" if accept else "hearing.speaker_declined",
        category="hearings",
        extra={"proposal": locked.proposal.title, "note": locked.decision_note or "—"},
    )
    return locked


def agenda_titles_withhold(proposal: Proposal) -> int:
    """An agenda item made from an accepted request to speak carries a copy of the proposal's title. When the
    proposal is withdrawn or hidden, its title leaves every public page, the hearing's too (it may be why it
    was hidden): the copy, where staff have not reworded it, becomes a neutral title in every language."""
    copied = f"title_{proposal.language}"
    changed = 0
    for item in AgendaItem.objects.filter(proposals=proposal, **{copied: proposal.title}):
        for code in LANGUAGE_ORDER:
            field = f"title_{code}"
            if field == copied or not getattr(item, field):
                with translation.override(code):
                    setattr(item, field, _("A proposal no longer shown"))
        item.save(update_fields=[f"title_{code}" for code in LANGUAGE_ORDER])
        changed += 1
    return changed
