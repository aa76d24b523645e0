"""The Commission's answers: drafted by one member, approved (published) by another, with a logged lifecycle.

`RESPONSE_LIFECYCLE` is the table; `response_transition` is the only writer of `ProposalResponse.state`.
Drafting and correcting are here, with the Commission's queue work (assignment, internal notes, missed
deadlines); sending for approval, returning, approving and publishing are in `response_approval.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.models import User
from portal.core.audit import audit_record
from portal.core.lifecycle import Lifecycle
from portal.core.revisions import refuse_if_changed
from portal.core.roles import is_commission_member
from portal.notifications.services import notify
from proposals.permissions.response import (
    can_answer_proposal,
    can_correct_response,
    can_draft_response,
    can_work_commission_queue,
)

from ..detectors.pii import contains_personal_data
from ..language import detect_language
from ..models import (
    Article,
    ArticleIdentity,
    CommissionAssignment,
    CommissionNote,
    Consultation,
    DocumentVersion,
    Follow,
    MissedDeadline,
    Proposal,
    ProposalResponse,
    ProposalStatus,
    ResponseState,
    ResponseStatus,
    ResponseTransition,
)
from ..models.translated import LANGUAGE_ORDER as LANGUAGES
from ..models.translated import with_language_note
from ..selectors.proposal import proposal_speakers
from ..selectors.response import answer_deadline, answer_revision, due_before, obligation_rules
from .proposal import proposal_transition

R = ResponseState

RESPONSE_LIFECYCLE = Lifecycle(
    "response",
    {
        # Without four eyes a draft may be published directly; the service checks the setting.
        R.DRAFT: [R.IN_REVIEW, R.PUBLISHED],
        # Back to a draft: its drafter takes it back to correct it before anyone approved it.
        R.IN_REVIEW: [R.PUBLISHED, R.RETURNED, R.DRAFT],
        R.RETURNED: [R.IN_REVIEW, R.PUBLISHED],
        R.PUBLISHED: [],
    },
)
# The code of a refusal because another member changed the answer after the page was shown.
CHANGED_MEANWHILE = "changed_meanwhile"
# Proposals that still wait for an answer.
AWAITING_ANSWER = (ProposalStatus.PUBLISHED, ProposalStatus.UNDER_REVIEW)


@dataclass(frozen=True)
class ResponseInput:
    status: str
    reasoning_kk: str = ""
    reasoning_ru: str = ""
    reasoning_en: str = ""
    article_ids: tuple[int, ...] = ()
    version_id: int | None = None
    # The answer as the member's page showed it (`answer_revision`; "" for none yet): a save that another
    # member's save has outdated since is refused, not applied over theirs. None: not checked.
    seen: str | None = None


# The reasons of an answer and of its corrections are on the proposal's page, in the API and the open data.
PUBLISHED_WITH_THE_ANSWER = gettext_lazy(
    "This text is published with the answer and in the open data: remove the IIN, phone number, email or "
    "card number from it."
)


def _answerable(proposal: Proposal) -> Proposal:
    """A cluster is answered once, on its representative."""
    if proposal.cluster_of_id:
        proposal = Proposal.objects.get(pk=proposal.cluster_of_id)
    return proposal


def _clean(data: ResponseInput, *, proposal: Proposal) -> dict:
    errors: dict[str, list[str]] = {}
    if data.status not in ResponseStatus.values:
        errors["status"] = [_("Choose the outcome.")]
    reasoning = {code: getattr(data, f"reasoning_{code}").strip() for code in LANGUAGES}
    language = proposal.language if proposal.language in LANGUAGES else "kk"
    if not reasoning[language]:
        errors[f"reasoning_{language}"] = [
            _("Give the reasons at least in the language of the proposal (%(language)s).")
            % {"language": dict(settings.LANGUAGES)[language]}
        ]
    for code, text in reasoning.items():
        if contains_personal_data(text):
            errors.setdefault(f"reasoning_{code}", []).append(str(PUBLISHED_WITH_THE_ANSWER))
    articles, version = _links(
        article_ids=data.article_ids, version_id=data.version_id, proposal=proposal, errors=errors
    )
    if errors:
        raise ValidationError(errors)
    return {"status": data.status, "articles": articles, "version": version, **reasoning}


def _links(
    *, article_ids: tuple[int, ...], version_id: int | None, proposal: Proposal, errors: dict
) -> tuple[list[ArticleIdentity], DocumentVersion | None]:
    """The articles and version an answer names, of the proposal's consultation. The version may still be a
    draft: public pages name it once it is published (`ProposalResponse.public_version`)."""
    articles = list(
        ArticleIdentity.objects.filter(pk__in=article_ids, document__consultation_id=proposal.consultation_id)
    )
    if len(articles) != len(set(article_ids)):
        errors["articles"] = [_("Choose articles of this consultation's draft.")]
    version = None
    if version_id is not None:
        version = DocumentVersion.objects.filter(
            pk=version_id, document__consultation_id=proposal.consultation_id
        ).first()
        if version is None:
            errors["version"] = [_("Choose a version of this consultation's draft.")]
    if version is not None and articles and "articles" not in errors:
        # The version carries the change of each article named: the article is in it, or was in the version
        # before it and is removed by it. Otherwise the public "what changed" shows no change at all.
        carried = set(
            Article.objects.filter(
                version__document_id=version.document_id,
                version__position__in=(version.position - 1, version.position),
                identity__in=articles,
            ).values_list("identity_id", flat=True)
        )
        missing = [article for article in articles if article.pk not in carried]
        if missing:
            names = ", ".join(_("Article %(number)s") % {"number": a.number or a.key} for a in missing)
            errors["articles"] = [
                _("“%(version)s” neither has nor removes these articles: %(articles)s.")
                % {"version": version, "articles": names}
            ]
    return articles, version


@transaction.atomic
def response_draft_save(*, proposal: Proposal, author: User, data: ResponseInput) -> ProposalResponse:
    """Creates or edits the answer to a proposal (to its cluster's representative) while it is a draft or
    returned. The editor becomes the drafter, so under four eyes someone else must approve it."""
    if not can_draft_response(author):
        raise PermissionDenied(_("Only Commission members answer proposals."))
    proposal = Proposal.objects.select_for_update().get(pk=_answerable(proposal).pk)
    if not can_answer_proposal(author, proposal):
        raise PermissionDenied(_("You cannot answer your own proposal or your organisation's."))
    response = ProposalResponse.objects.select_for_update().filter(proposal=proposal).first()
    # Sent for approval or published since the page was shown, it is no longer a draft: that is what the
    # member is told, rather than that the proposal is answered or that another member saved over their text.
    no_longer_a_draft = ValidationError(
        _("This answer is awaiting approval or published; it can no longer be edited.")
    )
    if response is not None and response.state == R.PUBLISHED:
        raise no_longer_a_draft
    if proposal.status not in AWAITING_ANSWER:
        raise ValidationError(_("Only published proposals awaiting an answer can be answered."))
    fields = _clean(data, proposal=proposal)
    # The member's own save sent again (a double click, a form sent twice): it holds nothing new, and it is
    # not another member's save to warn of.
    if response is not None and _own_save_again(response, author=author, fields=fields):
        return response
    if response is not None and not can_draft_response(author, response):
        raise no_longer_a_draft
    if data.seen is not None and data.seen != answer_revision(response):
        raise ValidationError(
            _(
                "While you were writing, another Commission member saved this answer. Their text is shown "
                "above and yours is kept in the form: compare them, then save again."
            ),
            code=CHANGED_MEANWHILE,
        )
    if response is None:
        response = ProposalResponse(proposal=proposal)
    response.status = fields["status"]
    for code in LANGUAGES:
        setattr(response, f"reasoning_{code}", fields[code])
    response.version = fields["version"]
    response.drafted_by = author
    response.save()
    response.articles.set(fields["articles"])
    return response


def _own_save_again(response: ProposalResponse, *, author: User, fields: dict) -> bool:
    """Whether the cleaned fields are the unpublished answer exactly as `author` saved it last."""
    return (
        response.state != R.PUBLISHED
        and response.drafted_by_id == author.pk
        and response.status == fields["status"]
        and all(getattr(response, f"reasoning_{code}") == fields[code] for code in LANGUAGES)
        and response.version_id == (fields["version"].pk if fields["version"] else None)
        and set(response.articles.values_list("pk", flat=True))
        == {article.pk for article in fields["articles"]}
    )


@transaction.atomic
def response_transition(
    *, response: ProposalResponse, to_state: str, actor: User, note: str = ""
) -> ProposalResponse:
    """The only code path that changes a response's state: locks, checks the table, logs."""
    locked = ProposalResponse.objects.select_for_update().get(pk=response.pk)
    from_state = RESPONSE_LIFECYCLE.move(locked, to_state, field="state")
    fields = ["state", "updated_at"]
    if to_state in (R.PUBLISHED, R.RETURNED):
        locked.reviewed_by = actor
        locked.review_note = note if to_state == R.RETURNED else ""
        fields += ["reviewed_by", "review_note"]
    if to_state == R.PUBLISHED:
        locked.published_at = timezone.now()
        fields.append("published_at")
    locked.save(update_fields=fields)
    ResponseTransition.objects.create(
        response=locked, from_state=from_state, to_state=to_state, actor=actor, note=note
    )
    return locked


@dataclass(frozen=True)
class ResponseCorrection:
    reason: str
    article_ids: tuple[int, ...] = ()
    version_id: int | None = None
    # The answer as the member's page showed it (`answer_revision`); None: not checked.
    seen: str | None = None


@transaction.atomic
def response_correct(
    *, response: ProposalResponse, actor: User, data: ResponseCorrection
) -> ProposalResponse:
    """Corrects the articles and version a published answer names, never its decision or reasons. The
    correction is logged in the answer's history (a published → published row with the reason) and in the
    audit log with what was named before and after; saving the published answer renews the pages that show it.

    One member corrects without a second one's approval even under four eyes: the approval guards what the
    Commission decides and why, which stays as approved; the correction only points to where the text carries
    the change, which anyone can check against the published versions."""
    locked = ProposalResponse.objects.select_for_update().select_related("proposal").get(pk=response.pk)
    if not can_correct_response(actor, locked):
        raise PermissionDenied(_("You may not correct this answer."))
    # Corrected by another member since the page was shown: this correction was chosen against links that
    # are no longer the answer's, and would silently undo theirs.
    refuse_if_changed(
        seen=data.seen,
        now=answer_revision(locked),
        saved=locked,
        message=_(
            "Another Commission member corrected this answer after you opened the page; nothing is "
            "corrected. Read it again below; your reason is kept."
        ),
    )
    errors: dict[str, list[str]] = {}
    reason = data.reason.strip()
    if not reason:
        errors["reason"] = [_("Say why the answer is corrected.")]
    elif contains_personal_data(reason):
        errors["reason"] = [str(PUBLISHED_WITH_THE_ANSWER)]
    articles, version = _links(
        article_ids=data.article_ids, version_id=data.version_id, proposal=locked.proposal, errors=errors
    )
    before = sorted(locked.articles.values_list("pk", flat=True))
    after = sorted(article.pk for article in articles)
    if not errors and before == after and locked.version_id == (version.pk if version else None):
        errors["version"] = [_("Nothing to correct: the articles and the version are those already named.")]
    # A commitment stands on this answer's change of its articles: dropping one would break the public chain
    # proposal → answer → article → commitment.
    carried = ArticleIdentity.objects.filter(
        pk__in=set(before) - set(after), commitments__responses=locked
    ).distinct()
    if carried:
        names = ", ".join(_("Article %(number)s") % {"number": a.number or a.key} for a in carried)
        errors["articles"] = [
            _("Commitments carry out this answer's change of these articles; keep them named: %(articles)s.")
            % {"articles": names}
        ]
    if errors:
        raise ValidationError(errors)
    previous_version_id = locked.version_id
    locked.articles.set(articles)
    locked.version = version
    locked.save(update_fields=["version", "updated_at"])
    ResponseTransition.objects.create(
        response=locked, from_state=R.PUBLISHED, to_state=R.PUBLISHED, actor=actor, note=reason
    )
    audit_record(
        actor=actor,
        action="response.corrected",
        target=locked.proposal,
        details={
            "reason": reason,
            "articles": {"from": before, "to": after},
            "version": {"from": previous_version_id, "to": locked.version_id},
        },
    )
    _notify_corrected(locked, actor=actor, reason=reason)
    return locked


def _answer_audience(proposal: Proposal, speakers: set[int]) -> set[int]:
    """Who hears about a proposal's answer: those who speak for it (`proposal_speakers`) and the followers
    of the proposal, of the articles it concerns and of its topic."""
    targets = Q(proposal=proposal) | Q(article__in=proposal.articles.all())
    if proposal.topic_id:
        targets |= Q(topic_id=proposal.topic_id)
    return {*speakers, *Follow.objects.filter(targets).values_list("user_id", flat=True)}


def answer_audiences(proposals: list[Proposal]) -> list[tuple[Proposal, set[int]]]:
    """Who is told of each proposal of a campaign, each person once: an author (or an organisation's
    representative) of the proposal they speak for, anyone else of the first one they follow (a follower of
    the topic was told once per member)."""
    speakers = {proposal.pk: proposal_speakers(proposal) for proposal in proposals}
    everyone_speaking = set().union(*speakers.values())
    told: set[int] = set()
    audiences = []
    for proposal in proposals:
        own = speakers[proposal.pk]
        recipients = _answer_audience(proposal, own) - told - (everyone_speaking - own)
        told |= recipients
        audiences.append((proposal, recipients))
    return audiences


def _notify_corrected(response: ProposalResponse, *, actor: User, reason: str) -> None:
    """Those told of the answer are told of its correction too: the links they followed may have moved."""
    representative = response.proposal
    # Written once: readers of the other languages are told which language it is in.
    language = detect_language(reason, default="")
    reason_noted = {code: with_language_note(reason, language, code) for code in LANGUAGES}
    cluster = [representative, *Proposal.objects.filter(cluster_of=representative).order_by("pk")]
    for proposal, recipients in answer_audiences(cluster):
        notify(
            recipients=recipients,
            category="responses",
            kind="proposal.answer_corrected",
            params={"title": proposal.title, "reason": reason_noted},
            url=proposal.get_absolute_url(),
            exclude=actor,
        )


@transaction.atomic
def commission_assign(
    *, proposal: Proposal, assignee: User, actor: User, seen_assignee_id: int | None = None
) -> CommissionAssignment:
    """Gives a proposal (a cluster's representative) to a member; it is then under Commission review.
    `seen_assignee_id` is the member the actor's page showed it with (0: nobody): if another member took it
    since, it is refused rather than taken from them unawares. None: not checked."""
    if not can_work_commission_queue(actor):
        raise PermissionDenied(_("Only Commission members assign proposals."))
    if not is_commission_member(assignee):
        raise ValidationError({"assignee": _("Choose a Commission member.")})
    proposal = _answerable(proposal)
    if not can_answer_proposal(actor, proposal):
        raise PermissionDenied(_("You cannot answer your own proposal or your organisation's."))
    # An answered or withdrawn proposal would sit with a member who has nothing left to do on it.
    if proposal.status == ProposalStatus.RESPONDED:
        raise ValidationError(_("It is already answered."))
    if proposal.status not in AWAITING_ANSWER:
        raise ValidationError(_("It is not awaiting an answer."))
    # Given to its own author, the proposal would wait on someone who may not answer it.
    if not can_answer_proposal(assignee, proposal):
        raise ValidationError(
            {"assignee": _("This member cannot answer it: it is their own proposal or their organisation's.")}
        )
    current = CommissionAssignment.objects.select_for_update().filter(proposal=proposal).first()
    if seen_assignee_id is not None and (current.assignee_id if current else 0) != seen_assignee_id:
        raise ValidationError(
            _(
                "%(name)s took this proposal meanwhile; it stays with them. "
                "Reassign it from its page if needed."
            )
            % {"name": current.assignee.display_name if current else "—"}
        )
    assignment, _created = CommissionAssignment.objects.update_or_create(
        proposal=proposal, defaults={"assignee": assignee, "assigned_by": actor}
    )
    if proposal.status == ProposalStatus.PUBLISHED:
        proposal_transition(proposal=proposal, to_status=ProposalStatus.UNDER_REVIEW, actor=actor)
    return assignment


@dataclass
class AssignOutcome:
    assigned: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def commission_assign_bulk(*, proposal_ids: list[int], assignee: User, actor: User) -> AssignOutcome:
    """Gives many proposals to one member through `commission_assign`, each in its own transaction, so that
    one refused (the actor's own, answered meanwhile, withdrawn) does not stop the rest; every refusal is
    kept with its reason."""
    if not can_work_commission_queue(actor):
        raise PermissionDenied(_("Only Commission members assign proposals."))
    if not is_commission_member(assignee):
        raise ValidationError({"assignee": _("Choose a Commission member.")})
    outcome = AssignOutcome()
    found = list(Proposal.objects.filter(pk__in=proposal_ids).order_by("pk"))
    for proposal_id in sorted(set(proposal_ids) - {proposal.pk for proposal in found}):
        outcome.refused[proposal_id] = _("There is no such proposal.")
    for proposal in found:
        try:
            with transaction.atomic():
                commission_assign(proposal=proposal, assignee=assignee, actor=actor)
        except (ValidationError, PermissionDenied) as error:
            outcome.refused[proposal.pk] = " ".join(getattr(error, "messages", [str(error)]))
        else:
            outcome.assigned.append(proposal.pk)
    return outcome


def commission_note_add(*, proposal: Proposal, author: User, body: str) -> CommissionNote:
    """An internal note on a proposal; only Commission members ever read it."""
    if not can_work_commission_queue(author):
        raise PermissionDenied(_("Only Commission members write internal notes."))
    proposal = _answerable(proposal)
    if not can_answer_proposal(author, proposal):
        raise PermissionDenied(_("You cannot answer your own proposal or your organisation's."))
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write the note.")})
    return CommissionNote.objects.create(proposal=proposal, author=author, body=body[:3000])


def deadline_misses_record(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Beat sweep: records each unanswered proposal (a cluster once) that passed its deadline and tells its
    author, its followers and the assigned member. Idempotent: a recorded miss is never announced again."""
    now = now or timezone.now()
    recorded = 0
    for consultation_id in Consultation.objects.values_list("pk", flat=True):
        rules = obligation_rules(consultation_id)
        if not rules:
            continue
        late = (
            Proposal.objects.filter(
                consultation_id=consultation_id,
                status__in=AWAITING_ANSWER,
                cluster_of__isnull=True,
                missed_deadline__isnull=True,
            )
            .filter(due_before(rules, now))
            .select_related("commission_assignment")
            .order_by("published_at", "id")[: limit - recorded]
        )
        for proposal in late:
            deadline = answer_deadline(proposal, rules)
            with transaction.atomic():
                _miss, created = MissedDeadline.objects.get_or_create(
                    proposal=proposal, defaults={"deadline": deadline}
                )
                if not created:
                    continue
                assignment = getattr(proposal, "commission_assignment", None)
                followers = Follow.objects.filter(proposal=proposal).values_list("user_id", flat=True)
                notify(
                    recipients={
                        proposal.author_id,
                        *followers,
                        assignment.assignee_id if assignment else None,
                    },
                    category="reminders",
                    kind="deadline.missed",
                    params={
                        "title": proposal.title,
                        "deadline": timezone.localtime(deadline).date().isoformat(),
                    },
                    url=proposal.get_absolute_url(),
                )
            recorded += 1
        if recorded >= limit:
            break
    return recorded
