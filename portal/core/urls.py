from django.urls import path

from .views import audit, staff

urlpatterns = [
    path("", staff.dashboard, name="staff_dashboard"),
    path("audit/", audit.audit_log, name="staff_audit_log"),
    path("people/verify/", staff.person_verify, name="staff_person_verify"),
    path("people/<int:pk>/", staff.person_detail, name="staff_person"),
    path("people/<int:pk>/reveal/", staff.person_reveal, name="staff_person_reveal"),
    path("organisations/<int:pk>/verify/", staff.organisation_verify, name="staff_organisation_verify"),
]
