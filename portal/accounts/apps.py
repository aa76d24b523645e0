from django.utils.translation import gettext_lazy as _

from portal.core.apps import RegisteringAppConfig


class AccountsConfig(RegisteringAppConfig):
    default = True
    name = "portal.accounts"
    label = "accounts"
    # allauth's own app is "Accounts" too: the Django admin listed two sections of that name.
    verbose_name = _("People and organisations")
