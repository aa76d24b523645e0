from django.urls import path

from .views import staff, staff_roles

urlpatterns = [
    path("people/verify/", staff.person_verify, name="staff_person_verify"),
    path("people/<int:pk>/", staff.person_detail, name="staff_person"),
    path("people/<int:pk>/reveal/", staff.person_reveal, name="staff_person_reveal"),
    path("people/<int:pk>/unblock/", staff_roles.person_unblock, name="staff_person_unblock"),
    path("roles/", staff_roles.staff_roles, name="staff_roles"),
    path("people/<int:pk>/roles/<str:role>/revoke/", staff_roles.staff_role_revoke, name="staff_role_revoke"),
    path("organisations/<int:pk>/verify/", staff.organisation_verify, name="staff_organisation_verify"),
    path("organisations/<int:pk>/refuse/", staff.organisation_refuse, name="staff_organisation_refuse"),
]
