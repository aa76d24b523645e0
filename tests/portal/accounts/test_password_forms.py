"""A password opens the account whichever code points the keyboard sends for the same letters."""

import unicodedata

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.hashers import make_password

from portal.accounts.models import User
from tests.factories import PASSWORD, UserFactory

from .test_signup import _signup

pytestmark = pytest.mark.django_db

# "й" and "ё" written as one code point each, and as a letter with a combining mark.
COMPOSED = "Айгерім-йолка-ёлка-2024"
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)
# Latin letters and digits as an East Asian input method sends them, and as a Latin keyboard does.
FULL_WIDTH = "ｓｔｅｐｐｅ-ｗｉｎｄ-２０２４"
HALF_WIDTH = "steppe-wind-2024"
SIGNED_UP = "new.person@example.test"  # the address `_signup` signs up


def _logs_in(client, email, password) -> bool:
    client.logout()
    client.post("/en/accounts/login/", {"login": email, "password": password})
    return "_auth_user_id" in client.session


def _change_password(client, user, current: str, new: str):
    user.refresh_from_db()  # the session's hash is of the password as it is now
    client.force_login(user)
    return client.post(
        "/en/accounts/password/change/", {"oldpassword": current, "password1": new, "password2": new}
    )


def test_signed_up_with_composed_letters_logs_in_with_decomposed_ones(
    client, django_capture_on_commit_callbacks
):
    response = _signup(client, django_capture_on_commit_callbacks, password1=COMPOSED, password2=COMPOSED)
    assert response.status_code == 302
    assert DECOMPOSED != COMPOSED
    EmailAddress.objects.filter(email=SIGNED_UP).update(verified=True)
    assert _logs_in(client, SIGNED_UP, DECOMPOSED)
    assert _logs_in(client, SIGNED_UP, COMPOSED)


def test_a_changed_password_is_checked_in_either_form(client):
    user = UserFactory()
    assert _change_password(client, user, PASSWORD, FULL_WIDTH).status_code == 302
    assert _logs_in(client, user.email, HALF_WIDTH)
    # The current password typed the other way is accepted too.
    assert _change_password(client, user, HALF_WIDTH, DECOMPOSED).status_code == 302
    assert _logs_in(client, user.email, COMPOSED)


def test_a_password_set_from_the_reset_link_opens_the_account_in_either_form(client):
    user = UserFactory()
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    response = client.get(f"/en/accounts/password/reset/key/{key}/", follow=True)
    form_path = response.redirect_chain[-1][0]
    response = client.post(form_path, {"password1": DECOMPOSED, "password2": DECOMPOSED})
    assert response.status_code == 302
    assert _logs_in(client, user.email, COMPOSED)


def test_the_validators_judge_the_password_as_it_is_stored(client):
    user = UserFactory()
    common_full_width = "ｐａｓｓｗｏｒｄ１２３"  # "password123"
    assert _change_password(client, user, PASSWORD, common_full_width).status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_password_hashed_as_typed_before_normalising_still_opens_the_account(client):
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(password=make_password(DECOMPOSED))
    assert _logs_in(client, user.email, DECOMPOSED)
