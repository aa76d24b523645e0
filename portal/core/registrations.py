"""What the core app registers when it starts."""

from django.db.backends.signals import connection_created
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import page_cache, registries
from .models import SiteSwitches
from .roles import is_admin, is_auditor
from .switches import SWITCH_NAMES
from .text import register_casefold


def register() -> None:
    # SQLite has no Unicode case folding of its own: every connection gets ours, for search.
    connection_created.connect(register_casefold, dispatch_uid="portal_casefold")
    # A switch's banner is shown on every page.
    page_cache.invalidate_on_change(SiteSwitches)
    registries.staff_panels.register(
        registries.StaffPanel(template="staff/panels/administration.html", visible=is_admin, order=900)
    )
    registries.staff_panels.register(
        registries.StaffPanel(template="staff/panels/audit.html", visible=is_auditor, order=10)
    )
    registries.audit_vocabularies.register(
        registries.AuditVocabulary(
            actions={
                "site.switches_changed": _("Site switches changed"),
                "admin.added": _("Added in the Django admin"),
                "admin.changed": _("Changed in the Django admin"),
                "admin.deleted": _("Deleted in the Django admin"),
                "admin.action": _("Action run in the Django admin"),
                "audit.exported": _("Audit log exported"),
                "audit.viewed": _("Audit log read"),
            },
            details={
                **{name: capfirst(SiteSwitches._meta.get_field(name).verbose_name) for name in SWITCH_NAMES},
                "fields": _("Fields changed"),
                "action": _("Action"),
                "model": _("Records of"),
                "ids": _("Record numbers"),
                # The filters an export of the audit log was taken with (the filter form's labels).
                "filter_action": _("Action starts with"),
                "filter_actor": _("Actor (account number)"),
                "filter_target_type": _("Target type"),
                "filter_target_id": _("Target number"),
                "filter_since": _("From (YYYY-MM-DD)"),
                "filter_until": _("Until (YYYY-MM-DD)"),
                "page": _("Page"),
            },
        )
    )
