"""One small consultation with an object of every kind the URL patterns name, owned by the `citizen` persona.

The access matrix and the XSS corpus both walk every URL pattern; `url_kwargs` fills each pattern's arguments
from this world (by parameter name, with a per-URL override where a name means different objects).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from portal.accounts.models import Organisation, OrganisationInvitation, OrganisationMembership
from portal.accounts.tokens import api_token_create
from portal.core.tasks import record_worker_heartbeat
from portal.notifications.models import Notification
from portal.notifications.services import unsubscribe_token
from proposals.models import (
    Attachment,
    Commitment,
    CommitmentUpdate,
    ObligationRule,
    Proposal,
    ProposalResponse,
    ResponseTemplate,
    ResponsibleBody,
    SpeakerRequest,
)
from proposals.services.hearing_notices import cancel_token
from proposals.services.hearing_registration import hearing_register
from proposals.services.moderation import moderation_case_open
from proposals.services.reader_report import report_create
from tests.factories import UserFactory
from tests.proposals.factories import (
    AgendaItemFactory,
    CommentFactory,
    ConsultationFactory,
    HearingFactory,
    ProposalFactory,
    TopicFactory,
    revised_document,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class World:
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def build_world(*, citizen, other_citizen) -> World:
    consultation = ConsultationFactory(slug="reform")
    record_worker_heartbeat()  # workers ran lately: /healthz/workers answers 200, with a broker or without
    document, old, new, identity = revised_document(consultation)
    topic = TopicFactory()
    published = ProposalFactory(consultation=consultation, author=citizen, topic=topic)
    published.articles.add(identity)
    draft = ProposalFactory(consultation=consultation, author=citizen, status="draft", published_at=None)
    rejected = ProposalFactory(consultation=consultation, author=citizen, status="rejected")
    comment = CommentFactory(proposal=published, author=citizen)
    Proposal.objects.filter(pk=published.pk).update(comments_count=1)
    case = moderation_case_open(proposal=published, reasons=["spam"])
    # A reader's report, so that the case page shows the reporter's history.
    report_create(reporter=other_citizen, proposal=published, kind="spam", ip="203.0.113.5")
    attachment = Attachment.objects.create(
        proposal=published,
        file=ContentFile(PDF, name="a.pdf"),
        original_name="plan.pdf",
        size=len(PDF),
        sha256="0",
    )
    hearing = HearingFactory(consultation=consultation)
    item = AgendaItemFactory(hearing=hearing, proposals=[published])
    registration = hearing_register(user=citizen, hearing=hearing)
    speaker_request = SpeakerRequest.objects.create(hearing=hearing, proposal=published, user=citizen)
    organisation = Organisation.objects.create(name="Civic Lab", slug="civic-lab", kind=Organisation.Kind.NGO)
    OrganisationMembership.objects.create(organisation=organisation, user=citizen)
    # A member of no role of the matrix, for the members page to change and remove without touching
    # `citizen`'s own membership (which `organisation_leave` ends).
    membership = OrganisationMembership.objects.create(
        organisation=organisation, user=UserFactory(display_name="Civic Lab member")
    )
    invitation = OrganisationInvitation.objects.create(
        organisation=organisation,
        email="invited@example.test",
        role=OrganisationMembership.Role.MEMBER,
        secret_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=7),
    )
    token, _plain = api_token_create(user=citizen, name="matrix")
    # After the outcome: an answered proposal, a commitment on its article and a "done" awaiting approval.
    answered = ProposalFactory(consultation=consultation, author=other_citizen, status="responded")
    response = ProposalResponse.objects.create(
        proposal=answered,
        status="accepted",
        state="published",
        published_at=timezone.now(),
        reasoning_en="Yes.",
    )
    response.articles.add(identity)
    body = ResponsibleBody.objects.create(
        slug="justice", name_kk="Әділет", name_ru="Юстиция", name_en="Justice"
    )
    today = timezone.localdate()
    commitment = Commitment.objects.create(
        consultation=consultation,
        title_kk="Заң",
        title_ru="Закон",
        title_en="Law",
        body=body,
        measure="law",
        due_date=today,
    )
    commitment.articles.add(identity)
    commitment.responses.add(response)
    pending_update = CommitmentUpdate.objects.create(
        commitment=commitment,
        text_en="Done.",
        from_status="planned",
        to_status="done",
        from_due_date=today,
        to_due_date=today,
        state="pending",
    )
    return World(
        objects={
            "consultation": consultation,
            "document": document,
            "version": new,
            "identity": identity,
            "article": new.articles.get(identity=identity),
            "topic": topic,
            "published": published,
            "draft": draft,
            "rejected": rejected,
            "comment": comment,
            "case": case,
            "attachment": attachment,
            "hearing": hearing,
            "agenda_item": item,
            "registration": registration,
            "speaker_request": speaker_request,
            "organisation": organisation,
            "membership": membership,
            "invitation": invitation,
            "token": token,
            "commitment": commitment,
            "body": body,
            "answer_template": ResponseTemplate.objects.create(
                consultation=consultation, name="Out of scope", text_kk="Тыс.", text_ru="Вне.", text_en="Out."
            ),
            "obligation": ObligationRule.objects.create(
                consultation=consultation, name_en="30 days", days=30
            ),
            "pending_update": pending_update,
            "unsubscribe": unsubscribe_token(user_id=citizen.pk, category=None),
            "notification": Notification.objects.create(
                recipient=citizen, category="comments", kind="comment.new", url=published.get_absolute_url()
            ),
            "cancel": cancel_token(registration),
        }
    )
