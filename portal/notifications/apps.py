from django.utils.translation import gettext_lazy as _

from portal.core.apps import RegisteringAppConfig


class NotificationsConfig(RegisteringAppConfig):
    default = True
    name = "portal.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
