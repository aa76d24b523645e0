from django.urls import path

from .views import audit, staff, switches

urlpatterns = [
    path("", staff.dashboard, name="staff_dashboard"),
    path("audit/", audit.audit_log, name="staff_audit_log"),
    path("audit/export.csv", audit.audit_log_csv, name="staff_audit_log_csv"),
    path("switches/", switches.site_switches, name="staff_site_switches"),
]
