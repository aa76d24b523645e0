"""Staff forms as the secretariat and the Commission read them: clear choices and labels in kk and ru."""

import pytest
from django.utils import translation

from portal.accounts import services as account_services
from portal.core.roles import Role
from proposals.forms import AssignForm
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_assign_form_tells_apart_members_of_the_same_name_without_emails():
    first, second = (UserFactory(display_name="Aigerim", email=f"aigerim{n}@example.test") for n in (1, 2))
    for member in (first, second):
        account_services.user_grant_role(user=member, role=Role.COMMISSION, granted_by=None)
    with translation.override("ru"):
        html = str(AssignForm()["assignee"])
    assert f"Aigerim (#{first.pk})" in html and f"Aigerim (#{second.pk})" in html
    assert "Выберите участника" in html and "---------" not in html
    assert "@example.test" not in html
