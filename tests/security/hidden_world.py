"""A consultation with one of each kind of content the public must not read, every text of it carrying a marker
of its own, beside the public content it hides among; and a person whose personal data no output may show.

`tests/security/test_hidden_everywhere.py` fetches every public output and looks for the markers. A marker is
letters and digits only, so that no escaping (HTML, XML, CSV, JSON) can hide it from the search.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from portal.accounts.models import Organisation, OrganisationInvitation, OrganisationMembership
from portal.accounts.services import account_block, organisation_refuse
from portal.accounts.tokens import api_token_create
from portal.accounts.verification.services import identity_verification_record
from proposals.models import (
    Attachment,
    Comment,
    Consultation,
    ConsultationStatus,
    Document,
    Proposal,
    SpeakerRequest,
)
from proposals.services.comment import comment_delete
from proposals.services.commitment import commitment_update_decline
from proposals.services.document import document_version_import
from proposals.services.follow import follow_add
from proposals.services.hearing_agenda import speaker_request_create, speaker_request_decide
from proposals.services.outcome_report import outcome_report_build, outcome_report_request
from proposals.services.proposal import proposal_withdraw
from proposals.services.reader_report import report_create
from proposals.services.response import commission_note_add
from proposals.services.response_approval import response_return, response_submit
from proposals.services.support import support_add
from tests.factories import UserFactory
from tests.identity import make_iin
from tests.proposals.commitment_helpers import adopted_change, post, record
from tests.proposals.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    HearingFactory,
    ProposalFactory,
    TopicFactory,
    comment_posted,
)
from tests.proposals.moderation_helpers import STATEMENT, hide
from tests.proposals.response_helpers import draft_answer

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# What each marker stands for; a marker is `zq` + its name, unlike any word a page or a file has.
KINDS = (
    "hiddenproposal",  # hidden by moderation
    "hidestatement",  # the statement of reasons of that hiding, for its author alone
    "hiddenauthor",  # the public name of its author, who asked to present it at a hearing
    "withdrawnproposal",  # withdrawn by its author
    "rejectedproposal",
    "moderatedproposal",  # waiting for a moderator
    "submittedproposal",  # waiting for screening
    "draftproposal",  # its author's draft
    "hiddenmember",  # a campaign member hidden by moderation
    "heldcomment",  # held by screening (personal data in it)
    "hiddencomment",  # hidden by a moderator
    "deletedcomment",  # deleted by its author
    "commentonhidden",  # a comment on the hidden proposal
    "draftconsultation",  # a consultation staff have not published, and all it holds
    "draftversion",  # a version of the public draft staff have not published
    "answerdraft",  # the Commission's answer being written
    "answerinreview",  # an answer awaiting a second member's approval
    "reviewnote",  # the note of an answer returned for changes
    "commissionnote",  # the Commission's internal note
    "pendingupdate",  # a commitment update awaiting approval
    "declinedupdate",  # a commitment update another member declined
    "reportdetails",  # what a reader wrote in a report
    "blockreason",  # why a moderator blocked an account
    "refusalreason",  # why an organisation's verification was refused
    "plainmember",  # a member of an organisation who does not act for it
    "invited",  # the address an organisation invited
    "speakermessage",  # a request to speak, before the Commission decides
)
MARKERS = {kind: f"zq{kind}" for kind in KINDS}
# The person's personal data: no public output shows any of it.
EMAIL = "zqmailbox@example.test"
LEGAL_NAME = ("Zqgivenname", "Zqfamilyname")
PHONE = "+7 701 555 01 99"


def marked(kind: str, what: str = "") -> str:
    return f"{what} {MARKERS[kind]}".strip()


@dataclass
class HiddenWorld:
    objects: dict = field(default_factory=dict)
    # Texts that must never appear: every marker and the person's personal data.
    secrets: tuple = ()

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _texts(kind: str, prefix: str) -> dict:
    """A staff text in every language, each carrying the marker."""
    return {f"{prefix}_{code}": marked(kind, code) for code in ("kk", "ru", "en")}


def _proposal(consultation, kind: str, **fields) -> Proposal:
    marker = MARKERS[kind]
    return ProposalFactory(
        consultation=consultation,
        title=f"Title {marker}",
        summary=f"Summary {marker}",
        body=f"Body {marker}",
        body_html=f"<p>Body {marker}</p>",
        **fields,
    )


def build_hidden_world(*, moderator, commissioner, second_commissioner, admin_user) -> HiddenWorld:
    iin = make_iin()
    person = UserFactory(
        display_name="Public Person", email=EMAIL, first_name=LEGAL_NAME[0], last_name=LEGAL_NAME[1]
    )
    identity_verification_record(user=person, method="iin", identity=iin, verified_by=None)
    reader, follower = UserFactory(display_name="Reader"), UserFactory(display_name="Follower")
    commenter = UserFactory(display_name="Commenter")
    for someone in (reader, follower, commenter):
        identity_verification_record(user=someone, method="iin", identity=make_iin(), verified_by=None)

    # The public consultation: an adopted change (a published answer and a commitment on it), then public
    # proposals with what is hidden among them.
    change = adopted_change(
        ConsultationFactory(slug="open-reform"),
        drafter=commissioner,
        approver=second_commissioner,
        title="Courts review every arrest",
    )
    consultation, article = change.consultation, change.article
    document = article.document
    commitment = record(change, commissioner, title_en="Public commitment")
    declined = post(
        commitment,
        commissioner,
        to_status="done",
        **_texts("declinedupdate", "text"),
        **_texts("declinedupdate", "reason"),
    )
    commitment_update_decline(update=declined, reviewer=second_commissioner)
    post(
        commitment,
        commissioner,
        to_status="done",
        **_texts("pendingupdate", "text"),
        **_texts("pendingupdate", "reason"),
    )

    topic = TopicFactory(slug="courts", name_en="Courts")
    public = ProposalFactory(
        consultation=consultation, author=person, title="Public proposal", topic=topic, language="en"
    )
    public.articles.add(article)
    # Its author's public name is a marker too: hidden content is tied to no name in public (it may have been
    # hidden for being written in another person's name).
    hidden = _proposal(
        consultation, "hiddenproposal", topic=topic, author=UserFactory(display_name=MARKERS["hiddenauthor"])
    )
    hidden.articles.add(article)
    Attachment.objects.create(
        proposal=hidden,
        file=ContentFile(PDF, name="a.pdf"),
        original_name=f"{MARKERS['hiddenproposal']}.pdf",
        size=len(PDF),
        sha256="0",
    )
    withdrawn = _proposal(consultation, "withdrawnproposal", topic=topic, author=UserFactory())
    withdrawn.articles.add(article)
    rejected = _proposal(consultation, "rejectedproposal", status="rejected", topic=topic)
    moderated = _proposal(consultation, "moderatedproposal", status="in_moderation", topic=topic)
    submitted = _proposal(consultation, "submittedproposal", status="submitted", published_at=None)
    draft = _proposal(consultation, "draftproposal", status="draft", published_at=None)
    # A campaign: the same text from two people, listed as its representative; one member is hidden.
    representative = ProposalFactory(consultation=consultation, title="Campaign text", cluster_size=2)
    member = _proposal(consultation, "hiddenmember", cluster_of=representative)

    # Readers follow, support and comment on what is hidden later.
    for proposal in (public, hidden, withdrawn, representative, member):
        follow_add(user=follower, proposal=proposal)
    support_add(user=follower, proposal=withdrawn)
    support_add(user=follower, proposal=hidden)
    visible = comment_posted(author=person, proposal=public, body="A visible comment.")
    held = comment_posted(
        author=commenter, proposal=public, body=f"{marked('heldcomment')} call me on {PHONE}, IIN {iin}"
    )
    hidden_comment = comment_posted(author=commenter, proposal=public, body=marked("hiddencomment"))
    reply = comment_posted(author=person, proposal=public, body="A reply that stays.", parent=hidden_comment)
    deleted = comment_posted(author=commenter, proposal=public, body=marked("deletedcomment"))
    comment_delete(comment=deleted, deleted_by=commenter)
    comment_posted(author=commenter, proposal=hidden, body=marked("commentonhidden"))
    comment_posted(author=commenter, proposal=withdrawn, body=marked("commentonhidden"))
    report_create(reporter=commenter, proposal=public, kind="spam", details=marked("reportdetails"))

    # Hearings: a public one with a hidden proposal on its agenda and a request to speak not yet decided.
    hearing = HearingFactory(consultation=consultation, title_en="Public hearing")
    AgendaItemFactory(hearing=hearing, proposals=[public, hidden, withdrawn])
    SpeakerRequest.objects.create(
        hearing=hearing, proposal=public, user=person, message=marked("speakermessage")
    )
    speaker_request_decide(
        speaker_request=speaker_request_create(user=hidden.author, hearing=hearing, proposal=hidden),
        actor=commissioner,
        accept=True,
    )

    # What moderation and authors do.
    hide(moderator=moderator, proposal=hidden, statement=f"{STATEMENT} {MARKERS['hidestatement']}")
    hide(moderator=moderator, proposal=member)
    hide(moderator=moderator, proposal=public, comment=hidden_comment)
    proposal_withdraw(proposal=withdrawn, author=withdrawn.author, reason="I changed my mind.")

    # The Commission's work before anything is public.
    answered_draft = ProposalFactory(consultation=consultation, title="Awaiting an answer")
    draft_answer(answered_draft, commissioner, reasoning_en=marked("answerdraft"))
    in_review = ProposalFactory(consultation=consultation, title="Answer in review")
    response_submit(
        response=draft_answer(in_review, commissioner, reasoning_en=marked("answerinreview")),
        actor=commissioner,
    )
    returned = ProposalFactory(consultation=consultation, title="Answer returned")
    returned_answer = draft_answer(returned, commissioner, reasoning_en=marked("answerdraft"))
    response_submit(response=returned_answer, actor=commissioner)
    response_return(response=returned_answer, reviewer=second_commissioner, note=marked("reviewnote"))
    commission_note_add(proposal=public, author=commissioner, body=marked("commissionnote"))

    # A version of the public draft staff are still preparing: a new article and new wording.
    draft_text = (
        "# 1. Rights\n## 7. Personal liberty {#liberty}\n1. "
        f"{marked('draftversion')}\n## 8. Draft only {{#draft-only}}\n1. {marked('draftversion')}\n"
    )
    draft_version = document_version_import(
        document=document,
        labels={"en": marked("draftversion")},
        sources={"en": ("draft.md", draft_text)},
        imported_by=None,
    )

    # A consultation staff have not published, with everything public outputs carry.
    secret = adopted_change(
        ConsultationFactory(slug="prepared-reform", title_en=marked("draftconsultation")),
        drafter=commissioner,
        approver=second_commissioner,
        title=marked("draftconsultation", "Proposal"),
    )
    record(secret, commissioner, title_en=marked("draftconsultation", "Commitment"))
    HearingFactory(consultation=secret.consultation, title_en=marked("draftconsultation", "Hearing"))
    secret_comment = Comment.objects.create(
        proposal=secret.proposal, author=person, body=marked("draftconsultation", "Comment")
    )
    Document.objects.filter(consultation=secret.consultation).update(title_en=marked("draftconsultation"))
    Consultation.objects.filter(pk=secret.consultation.pk).update(status=ConsultationStatus.DRAFT)

    # People and organisations: a blocked author, an organisation refused with a plain member and an invitation.
    blocked = UserFactory(display_name="Blocked author")
    ProposalFactory(consultation=consultation, author=blocked, title="By a blocked author")
    account_block(user=blocked, blocked_by=moderator, days=7, reason=marked("blockreason", "Repeated abuse:"))
    organisation = Organisation.objects.create(name="Civic Lab", slug="civic-lab", kind=Organisation.Kind.NGO)
    OrganisationMembership.objects.create(
        organisation=organisation, user=person, role=OrganisationMembership.Role.REPRESENTATIVE
    )
    OrganisationMembership.objects.create(
        organisation=organisation, user=UserFactory(display_name=MARKERS["plainmember"])
    )
    OrganisationInvitation.objects.create(
        organisation=organisation,
        email=f"{MARKERS['invited']}@example.test",
        role=OrganisationMembership.Role.MEMBER,
        secret_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=7),
    )
    organisation_refuse(
        organisation=organisation, refused_by=admin_user, reason=marked("refusalreason", "The BIN is wrong:")
    )
    # The outcome is out, so that its report can be downloaded and read too.
    Consultation.objects.filter(pk=consultation.pk).update(
        status=ConsultationStatus.OUTCOME_PUBLISHED, outcome_published_at=timezone.now()
    )
    report = outcome_report_request(consultation=consultation, language="en", file_format="docx")
    outcome_report_build(report_id=report.pk)
    # A moderator's token: a token is one factor, and exercises no staff power.
    token, plain_token = api_token_create(user=moderator, name="moderator")
    secrets = (*MARKERS.values(), EMAIL, iin, *LEGAL_NAME, PHONE)
    return HiddenWorld(
        objects={
            "person": person,
            "reader": reader,
            "follower": follower,
            "commenter": commenter,
            "moderator": moderator,
            "consultation": consultation,
            "document": document,
            "article": article,
            "draft_version": draft_version,
            "commitment": commitment,
            "public": public,
            "hidden": hidden,
            "withdrawn": withdrawn,
            "rejected": rejected,
            "moderated": moderated,
            "submitted": submitted,
            "draft": draft,
            "representative": representative,
            "member": member,
            "visible_comment": visible,
            "held_comment": held,
            "hidden_comment": hidden_comment,
            "reply": reply,
            "hearing": hearing,
            "secret": secret,
            "secret_comment": secret_comment,
            "organisation": organisation,
            "token": plain_token,
            "iin": iin,
        },
        secrets=secrets,
    )
