from importlib import import_module

from django.utils.translation import gettext_lazy as _

from portal.core.apps import RegisteringAppConfig


class ProposalsConfig(RegisteringAppConfig):
    default = True
    name = "proposals"
    label = "proposals"
    verbose_name = _("Participation")

    def ready(self):
        super().ready()
        import_module(f"{self.name}.checks")  # registers the checks of the domain's settings
