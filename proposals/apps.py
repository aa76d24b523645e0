from django.utils.translation import gettext_lazy as _

from portal.core.apps import RegisteringAppConfig


class ProposalsConfig(RegisteringAppConfig):
    default = True
    name = "proposals"
    label = "proposals"
    verbose_name = _("Participation")
    imported_when_ready = ("checks",)  # the checks of the domain's settings
