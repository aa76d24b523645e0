"""Invalidation of the anonymous page cache (portal/core/page_cache.py) when public content changes.

Every model whose rows appear on public pages is listed here, explicitly: a model missing from the lists
shows stale for at most PAGE_CACHE_SECONDS, never longer. Support rows and counters are left out on
purpose; counts are allowed to lag by those seconds, and a support storm must not empty the cache.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save

from portal.accounts.models import Organisation
from portal.core import page_cache
from portal.core.models import SiteSwitches

from . import models

# Shown on many pages (lists, article pages, the outcome, banners): a change renews every cached page.
SITE_WIDE = (
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
    models.Proposal,
    models.Attachment,
    models.ProposalResponse,
    Organisation,
    SiteSwitches,
)
# Shown only on their proposal's page.
PER_PROPOSAL = (models.Comment,)
# A person's name is shown on their proposals and comments; logins and password changes are not.
USER_FIELDS_SHOWN = {"display_name", "is_active", "erased_at"}


def _site_changed(sender, **kwargs):
    page_cache.invalidate("site")


def _proposal_part_changed(sender, instance, **kwargs):
    page_cache.invalidate(f"proposal:{instance.proposal_id}")


def _user_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or USER_FIELDS_SHOWN.intersection(update_fields):
        page_cache.invalidate("site")


def connect() -> None:
    for model in SITE_WIDE:
        post_save.connect(_site_changed, sender=model, dispatch_uid=f"page-cache-{model.__name__}")
        post_delete.connect(_site_changed, sender=model, dispatch_uid=f"page-cache-del-{model.__name__}")
    for model in PER_PROPOSAL:
        post_save.connect(_proposal_part_changed, sender=model, dispatch_uid=f"page-cache-{model.__name__}")
        post_delete.connect(
            _proposal_part_changed, sender=model, dispatch_uid=f"page-cache-del-{model.__name__}"
        )
    # A proposal's article references are shown on its card and on the article pages.
    m2m_changed.connect(_site_changed, sender=models.Proposal.articles.through, dispatch_uid="page-cache-m2m")
    post_save.connect(_user_changed, sender=get_user_model(), dispatch_uid="page-cache-user")
