"""The Django admin is for superusers only: the secretariat (the Administrators role) runs the portal from the
staff area, where every action goes through a service with its checks and its audit entry. The admin stays
for the few people who maintain the installation, behind the same sign-in with a second factor."""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(AdminSite):
    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


class SuperuserAdminConfig(AdminConfig):
    """Installed in place of `django.contrib.admin`, so `admin.site` is a `SuperuserAdminSite`."""

    default = False
    default_site = "portal.core.admin_site.SuperuserAdminSite"
