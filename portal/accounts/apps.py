from django.utils.translation import gettext_lazy as _

from portal.core.apps import RegisteringAppConfig


class AccountsConfig(RegisteringAppConfig):
    default = True
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
