"""What a superuser types in the Django admin is kept as every other form keeps it (`NormalisedInputMixin`: NFC,
no control, bidi or private-use characters, single-line fields on one line): the privacy notice, a person's
public name and the site's name (in every account email) are read by everyone. Every admin the
site registers, ours and the libraries', is walked: an admin added later without it fails here."""

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory

from portal.accounts.models import PrivacyNotice, User
from portal.core.forms import NormalisedInputMixin
from portal.core.roles import mark_second_factor
from tests.conftest import give_totp
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# Typed with a vertical tab, a right-to-left override, a private-use character and "é" as e + combining acute.
DIRTY = "Cafe\u0301\x0b \u202ereform\u202c\ue000 text"
CLEAN = "Café reform text"


@pytest.fixture
def superuser(client, settings):
    settings.PORTAL_STAFF_MFA = "required"
    person = UserFactory(is_superuser=True, is_staff=True)
    give_totp(person)
    client.force_login(person)
    return person


def _forms_of(model_admin, request):
    """Every form class the admin saves with: its add and change forms and each inline's."""
    saved = model_admin.model()
    yield "add", model_admin.get_form(request, None)
    yield "change", model_admin.get_form(request, saved, change=True)
    for inline in model_admin.get_inline_instances(request, saved):
        yield f"inline {type(inline).__name__}", inline.get_formset(request, saved).form


def test_every_admin_form_with_text_normalises_it(superuser):
    request = RequestFactory().get("/en/admin/")
    request.user = superuser
    mark_second_factor(superuser, verified=True)
    plain = []
    for model, model_admin in admin.site._registry.items():
        for which, form in _forms_of(model_admin, request):
            takes_text = any(isinstance(field, forms.CharField) for field in form.base_fields.values())
            if takes_text and not issubclass(form, NormalisedInputMixin):
                plain.append(f"{model._meta.label} {which}")
    assert plain == []
    assert len(admin.site._registry) >= 15  # the walk saw the registry, libraries' admins included


def test_a_privacy_notice_typed_in_the_admin_is_published_normalised(client, superuser):
    answer = client.post(
        "/en/admin/accounts/privacynotice/add/",
        {"text_kk": DIRTY, "text_ru": DIRTY, "text_en": f"{DIRTY}\r\nSecond line."},
    )
    assert answer.status_code == 302, answer.content.decode()[:500]
    notice = PrivacyNotice.objects.latest("version")
    assert (notice.text_kk, notice.text_ru, notice.text_en) == (CLEAN, CLEAN, f"{CLEAN}\nSecond line.")


def test_a_person_added_in_the_admin_gets_a_normalised_public_name(client, superuser):
    answer = client.post(
        "/en/admin/accounts/user/add/",
        {
            "email": "new.person@example.test",
            "display_name": DIRTY,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:500]
    assert User.objects.get(email="new.person@example.test").display_name == CLEAN


def test_a_line_break_in_the_site_name_is_refused(client, superuser):
    """The site's name greets the reader of every account email, on a line of its own."""
    answer = client.post("/en/admin/sites/site/add/", {"domain": "qatysu.example", "name": "Qatysu\nBcc: x"})
    assert answer.status_code == 200
    assert "This field must be a single line." in answer.content.decode()
