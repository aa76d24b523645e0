"""What the core app registers when it starts."""

from django.db.backends.signals import connection_created

from . import page_cache, registries
from .models import SiteSwitches
from .roles import is_admin
from .text import register_casefold


def register() -> None:
    # SQLite has no Unicode case folding of its own: every connection gets ours, for search.
    connection_created.connect(register_casefold, dispatch_uid="portal_casefold")
    # A switch's banner is shown on every page.
    page_cache.invalidate_on_change(SiteSwitches)
    registries.staff_panels.register(
        registries.StaffPanel(template="staff/panels/administration.html", visible=is_admin, order=900)
    )
