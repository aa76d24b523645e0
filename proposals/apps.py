from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    label = "proposals"
    verbose_name = _("Participation")

    def ready(self):
        from . import signals

        signals.connect()
