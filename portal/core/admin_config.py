"""The admin's app config, apart from its site (`admin_site.py`): settings name it, so it is imported while
the apps load, before any model may be, and the site reads the audit log's model and the roles."""

from django.contrib.admin.apps import AdminConfig


class SuperuserAdminConfig(AdminConfig):
    """Installed in place of `django.contrib.admin`, so `admin.site` is a `SuperuserAdminSite`."""

    default = False
    default_site = "portal.core.admin_site.SuperuserAdminSite"
