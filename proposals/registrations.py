"""What the participation domain registers when it starts: its part of a person's data, the models whose
changes make cached pages stale, its staff panels, the facts on a person's staff page and its notification
texts."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.verification.services import identity_release_hooks
from portal.core import page_cache, registries
from portal.core.roles import is_staff_member
from portal.notifications.messages import register_messages

from . import models
from .audit_actions import PROPOSALS_AUDIT
from .detectors.abuse import is_abusive
from .models.proposal import VISIBLE_STATUSES
from .notification_messages import PROPOSAL_MESSAGES
from .permissions.consultation import can_import_document, can_manage_consultations
from .permissions.hearing import can_manage_hearings
from .permissions.moderation import can_moderate
from .permissions.response import can_work_commission_queue
from .selectors import personal_data as personal_data_selectors
from .services import personal_data as personal_data_services
from .services.support import supports_retain_on_identity_release

# Shown on many pages (lists, article pages, the outcome, banners): a change renews every cached page.
# Support rows and counters are left out on purpose: counts may lag by PAGE_CACHE_SECONDS, and a support
# storm must not empty the cache. A model missing here shows stale for at most PAGE_CACHE_SECONDS.
SHOWN_SITE_WIDE = (
    models.Consultation,
    models.Phase,
    models.Topic,
    models.Document,
    models.DocumentVersion,
    models.ArticleIdentity,
    models.Section,
    models.Article,
    models.Paragraph,
    models.Hearing,
    models.AgendaItem,
    models.HearingDocument,
    # Commitments show on the tracker, and on the pages of the articles and proposals behind them.
    models.ResponsibleBody,
    models.Commitment,
    models.CommitmentUpdate,
)


def _proposal_generation(comment) -> str:
    return f"proposal:{comment.proposal_id}"


def _proposal_generations(proposal) -> list[str]:
    """A proposal shows on the lists, counts and article pages (`proposals`) and on its own page; the pages
    of the proposals merged into it or clustered under it name it, with its title."""
    pointing_here = models.Proposal.objects.filter(
        Q(merged_into_id=proposal.pk) | Q(cluster_of_id=proposal.pk)
    ).values_list("pk", flat=True)
    return ["proposals", f"proposal:{proposal.pk}", *(f"proposal:{pk}" for pk in pointing_here)]


def _article_link_generations(instance, reverse: bool, pk_set) -> list[str]:
    """A proposal's article references show on its card, its page and the article pages."""
    proposal_ids = (pk_set or ()) if reverse else (instance.pk,)
    return ["proposals", *(f"proposal:{pk}" for pk in proposal_ids)]


def _proposal_shown(proposal, update_fields, created=False) -> bool:
    """Whether saving this proposal may change a page readers share: when its page is reachable, or when its
    status changes (it enters or leaves the public; `proposal_transition` is the one path that changes it,
    and names the field). Drafts saved by their authors and what screening writes on a submission nobody
    else sees yet change none."""
    if proposal.status in VISIBLE_STATUSES:
        return True
    if update_fields is None:
        return proposal.status != models.ProposalStatus.DRAFT  # a draft never was public
    return "status" in update_fields


def _attachment_shown(attachment, update_fields, created) -> bool:
    try:
        proposal = attachment.proposal
    except models.Proposal.DoesNotExist:  # deleted with its proposal, which bumps
        return True
    return _proposal_shown(proposal, None)


def _authored_count(model):
    def count(person) -> int:
        return model.objects.filter(author=person).count()

    return count


def _work_panel(request) -> dict:
    return {
        "can_moderate": can_moderate(request.user),
        "can_manage_hearings": can_manage_hearings(request.user),
        "can_answer": can_work_commission_queue(request.user),
    }


def _documents_panel(request) -> dict:
    return {"documents": models.Document.objects.select_related("consultation").order_by("pk")}


def register() -> None:
    for model in SHOWN_SITE_WIDE:
        page_cache.invalidate_on_change(model)
    # Most pages show proposals other than their own; a proposal's page shows only its own (and the one it
    # was merged into), so publishing or hiding one renews the lists and its page, not every proposal's.
    page_cache.shown_on_most_pages("proposals")
    page_cache.invalidate_on_change(models.Proposal, shown=_proposal_shown, generation=_proposal_generations)
    # Attachments show on their proposal's page; a draft's are uploaded while it is written.
    page_cache.invalidate_on_change(
        models.Attachment,
        shown=_attachment_shown,
        generation=lambda attachment: ["proposals", f"proposal:{attachment.proposal_id}"],
    )
    # The Commission's answers show once published; drafting and reviewing them is its own business.
    page_cache.invalidate_on_change(
        models.ProposalResponse,
        shown=lambda response, update_fields, created: response.state == models.ResponseState.PUBLISHED,
    )
    # Comments are shown only on their proposal's page.
    page_cache.invalidate_on_change(models.Comment, generation=_proposal_generation)
    # A proposal's article references are shown on its card and on the article pages.
    page_cache.invalidate_on_m2m_change(
        models.Proposal.articles.through, shown=_proposal_shown, generation=_article_link_generations
    )

    for part in personal_data_selectors.PARTS:
        registries.personal_data.register(part)
    registries.personal_data.register(
        registries.PersonalDataPart(
            name="participation",
            models=personal_data_services.ERASED_MODELS,
            withdraw=personal_data_services.content_withdraw,
            erase=personal_data_services.participation_erase,
            purge=personal_data_services.submission_addresses_purge,
        )
    )

    for panel in (
        registries.StaffPanel(
            template="proposals/staff/panel_work.html",
            visible=is_staff_member,
            context=_work_panel,
            order=100,
        ),
        registries.StaffPanel(
            template="proposals/staff/panel_documents.html",
            visible=can_import_document,
            context=_documents_panel,
            order=400,
        ),
        registries.StaffPanel(
            template="proposals/staff/panel_consultations.html", visible=can_manage_consultations, order=50
        ),
    ):
        registries.staff_panels.register(panel)
    for label, model in ((_("Proposals"), models.Proposal), (_("Comments"), models.Comment)):
        registries.person_facts.register(registries.PersonFact(label=label, count=_authored_count(model)))
    register_messages(PROPOSAL_MESSAGES)
    registries.audit_vocabularies.register(PROPOSALS_AUDIT)
    registries.public_name_refusals.register(is_abusive)
    # An erased account's supports stay counted, and so do those of an account verified again with another
    # IIN; the released IIN's fingerprint is kept beside each proposal it supported, so that another account
    # verified with it cannot support that proposal again.
    if supports_retain_on_identity_release not in identity_release_hooks:
        identity_release_hooks.append(supports_retain_on_identity_release)
