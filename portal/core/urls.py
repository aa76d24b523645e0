from django.urls import path

from .views import audit, staff

urlpatterns = [
    path("", staff.dashboard, name="staff_dashboard"),
    path("audit/", audit.audit_log, name="staff_audit_log"),
    path("people/verify/", staff.person_verify, name="staff_person_verify"),
    path("organisations/<int:pk>/verify/", staff.organisation_verify, name="staff_organisation_verify"),
]
