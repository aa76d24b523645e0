import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.contrib.sites.models import Site
from django.core import mail
from django.test import Client

from portal.accounts.models import User
from portal.notifications.services import suppress_address
from tests.conftest import give_totp

pytestmark = pytest.mark.django_db


def _signup(client, django_capture_on_commit_callbacks, language="kk", HTTP_HOST="testserver", **overrides):
    data = {
        "email": "new.person@example.test",
        "display_name": "Жаңа қатысушы",
        "preferred_language": "ru",
        "password1": "a-long-enough-password",
        "password2": "a-long-enough-password",
        "accept_privacy": "on",
    }
    data.update(overrides)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/{language}/accounts/signup/", data, HTTP_HOST=HTTP_HOST)


def test_signup_stores_public_name_and_language_and_sends_verification_in_that_language(
    client, django_capture_on_commit_callbacks
):
    response = _signup(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.test")
    assert user.display_name == "Жаңа қатысушы"
    assert user.preferred_language == "ru"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    # Russian, the person's choice, although they signed up on the Kazakh page.
    assert "подтвердите" in mail.outbox[0].subject.lower()
    assert "Qatysu" in mail.outbox[0].body


def test_the_email_names_the_address_its_link_uses(client, django_capture_on_commit_callbacks, settings):
    settings.ALLOWED_HOSTS = ["portal.example.test"]
    # The row written at the first migration, before the portal moved to another address or port.
    Site.objects.filter(pk=1).update(domain="127.0.0.1:8000")
    _signup(client, django_capture_on_commit_callbacks, HTTP_HOST="portal.example.test")
    body = mail.outbox[0].body
    assert re.search(r"https?://portal\.example\.test/\S+/accounts/confirm-email/", body)
    assert "127.0.0.1:8000" not in body
    assert body.rstrip().endswith("portal.example.test")


def test_unverified_account_cannot_log_in_until_the_link_is_followed(
    client, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)
    client.logout()
    response = client.post(
        "/en/accounts/login/", {"login": "new.person@example.test", "password": "a-long-enough-password"}
    )
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    client.post("/" + path)
    assert EmailAddress.objects.get(email="new.person@example.test").verified
    response = client.post(
        "/en/accounts/login/", {"login": "new.person@example.test", "password": "a-long-enough-password"}
    )
    assert response.status_code == 302
    assert client.get("/en/accounts/profile/").status_code == 200


@pytest.mark.parametrize(
    "display_name",
    ["someone@example.com", "x", "Call 87011234567"],
)
def test_signup_refuses_a_public_name_that_reveals_personal_data(
    client, django_capture_on_commit_callbacks, display_name
):
    response = _signup(client, django_capture_on_commit_callbacks, display_name=display_name)
    assert response.status_code == 200
    assert not User.objects.filter(email="new.person@example.test").exists()
    assert response.context["form"].errors["display_name"]


def test_signup_with_a_taken_address_does_not_reveal_it(client, django_capture_on_commit_callbacks, citizen):
    response = _signup(client, django_capture_on_commit_callbacks, email=citizen.email)
    # Same answer as for a new address: a redirect to "check your inbox"; the owner gets an email.
    assert response.status_code == 302
    assert User.objects.filter(email=citizen.email).count() == 1
    assert mail.outbox and mail.outbox[0].to == [citizen.email]


def test_password_reset_answers_the_same_for_unknown_addresses(
    client, django_capture_on_commit_callbacks, citizen
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/en/accounts/password/reset/", {"email": citizen.email})
        unknown = client.post("/en/accounts/password/reset/", {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_password_reset_link_sets_a_new_password(client, django_capture_on_commit_callbacks, citizen):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/password/reset/", {"email": citizen.email})
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_path, {"password1": "brand-new-password-1", "password2": "brand-new-password-1"}
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password("brand-new-password-1")
    # The page after it leads on to signing in with the new password.
    done_page = client.get(response["Location"]).content.decode()
    assert 'href="/kk/accounts/login/"' in done_page.split("<main")[1]  # the link's language is the citizen's
    # Used once, the link says so in words the person knows (allauth's heading was "Bad Token").
    assert "Сілтеме жарамсыз" in client.get(path, follow=True).content.decode()


def test_repeated_failed_logins_lock_the_account_for_a_while(client, citizen):
    for _attempt in range(5):
        response = client.post("/en/accounts/login/", {"login": citizen.email, "password": "wrong-password"})
        assert response.status_code == 200
    # Even the right password is refused now: guessing cannot continue.
    response = client.post(
        "/en/accounts/login/", {"login": citizen.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_a_flood_of_login_requests_from_one_address_gets_429(client, citizen):
    statuses = [
        client.post("/en/accounts/login/", {"login": f"x{n}@example.test", "password": "x"}).status_code
        for n in range(35)
    ]
    assert statuses[0] == 200
    assert statuses[-1] == 429


def test_the_429_page_speaks_the_language_of_the_page_and_leads_on(client):
    for n in range(35):
        response = client.post("/kk/accounts/login/", {"login": f"x{n}@example.test", "password": "x"})
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="kk"' in page
    assert "Әрекеттер тым көп" in page
    assert "Too Many Requests" not in page
    assert 'href="/kk/"' in page


def test_a_form_refused_for_its_csrf_token_is_explained_in_the_language_of_the_page():
    response = Client(enforce_csrf_checks=True).post("/ru/accounts/login/", {"login": "a@example.test"})
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="ru"' in page
    assert "Форму не удалось отправить" in page and "403 Forbidden" not in page


def test_profile_page_changes_name_and_language(client, citizen):
    client.force_login(citizen)
    response = client.post(
        "/en/accounts/profile/", {"display_name": "  Aigerim   S. ", "preferred_language": "en"}
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.display_name == "Aigerim S."
    assert citizen.preferred_language == "en"


@pytest.mark.parametrize("display_name", ["Депутаты — идиоты", "Ақымақ Бек", "M o r o n"])
def test_a_public_name_with_abusive_words_is_refused(client, citizen, display_name):
    """The name stands beside every proposal and comment; screening reads their text, not the name."""
    client.force_login(citizen)
    response = client.post(
        "/ru/accounts/profile/", {"display_name": display_name, "preferred_language": "ru"}
    )
    assert "В этом имени есть слово, недопустимое на портале." in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.display_name == "Aigerim"


@pytest.mark.parametrize("display_name", ["Ольга Болатқызы", "Ол Жан", "Бокенбай Т."])
def test_ordinary_names_pass_the_word_lists(client, citizen, display_name):
    client.force_login(citizen)
    client.post("/ru/accounts/profile/", {"display_name": display_name, "preferred_language": "ru"})
    citizen.refresh_from_db()
    assert citizen.display_name == display_name


def test_profile_page_needs_login(client):
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_account_emails_link_to_pages_in_the_language_they_are_written_in(
    client, django_capture_on_commit_callbacks, citizen
):
    """A Kazakh reader who asked on the English page gets a Kazakh email, whose link opens a Kazakh page."""
    citizen.preferred_language = "kk"
    citizen.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/accounts/password/reset/", {"email": citizen.email})
    message = mail.outbox[-1]
    assert "Құпиясөзді қалпына келтіру" in message.subject
    assert re.search(r"https?://[^/\s]+/kk/accounts/password/reset/key/\S+/", message.body)
    assert "/en/accounts/" not in message.body

    _signup(client, django_capture_on_commit_callbacks, language="en")  # chooses Russian on the form
    message = mail.outbox[-1]
    assert re.search(r"https?://[^/\s]+/ru/accounts/confirm-email/\S+/", message.body)
    assert "/en/accounts/" not in message.body
    assert "Благодарим вас за использование сайта «Qatysu»!" in message.body  # allauth's ru: «Qatysu!»


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_confirmation_email_carries_no_text_of_the_person_who_signed_up(
    client, django_capture_on_commit_callbacks, language
):
    """Anyone may sign up with someone else's address: the public name they chose went into the email the
    portal sent to that address, so its 60 characters were theirs to write to any inbox ("prize at ...")."""
    _signup(
        client,
        django_capture_on_commit_callbacks,
        language=language,
        preferred_language=language,
        display_name="Claim your prize at prize dot example",
    )
    (message,) = mail.outbox
    assert "prize" not in message.body.lower()
    assert re.search(r"/accounts/confirm-email/\S+/", message.body)


@pytest.mark.parametrize(("language", "sign_in"), [("kk", "кіріңіз"), ("ru", "Войдите"), ("en", "Sign in")])
def test_the_page_after_signing_up_says_how_to_get_a_new_link(
    client, django_capture_on_commit_callbacks, language, sign_in
):
    response = _signup(client, django_capture_on_commit_callbacks, language=language)
    page = client.get(response["Location"]).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    # Signing in again sends a new link; there is no contact desk to write to.
    assert f'<a href="/{language}/accounts/login/">{sign_in}</a>' in main
    assert f'href="/{language}/accounts/signup/"' in main
    # A note for the template's readers is not shown to the page's readers.
    assert "{#" not in main and "Signing in again" not in main


def _visible(response) -> tuple:
    """What a page tells its reader: where it leads, its form's errors, its flashed messages and its text."""
    form = response.context.get("form") if response.context else None
    return (
        response.status_code,
        response.get("Location"),
        dict(form.errors) if form is not None else None,
        [str(message) for message in get_messages(response.wsgi_request)],
    )


def test_a_password_reset_to_a_bounced_address_sends_nothing_and_answers_as_for_any_address(
    client, django_capture_on_commit_callbacks, citizen
):
    """The form said "this address cannot receive our emails": anyone could learn which addresses the portal
    had mailed (whose account it knew). It now answers as for any address; the next page names the office."""
    suppress_address(email=citizen.email.upper(), reason="permanent refusal 550")
    with django_capture_on_commit_callbacks(execute=True):
        bounced = client.post("/ru/accounts/password/reset/", {"email": citizen.email})
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        unknown = Client().post("/ru/accounts/password/reset/", {"email": "nobody@example.test"})
    assert _visible(bounced) == _visible(unknown)
    assert bounced.status_code == 302
    # Another address of the portal is still mailed.
    other = User.objects.create_user(email="other@example.test", password="a-long-enough-password")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/ru/accounts/password/reset/", {"email": other.email})
    assert [m.to for m in mail.outbox] == [[other.email]]


def test_signing_up_with_a_bounced_address_answers_as_for_any_address(
    client, django_capture_on_commit_callbacks, settings
):
    settings.CONTACT_EMAIL = "office@konstitucia.example.kz"
    suppress_address(email="new.person@example.test", reason="permanent refusal 550")
    bounced = _signup(client, django_capture_on_commit_callbacks, language="en")
    assert mail.outbox == []
    fresh = _signup(Client(), django_capture_on_commit_callbacks, language="en", email="fresh@example.test")
    assert len(mail.outbox) == 1
    assert _visible(bounced)[:3] == _visible(fresh)[:3]
    page = client.get(bounced["Location"]).content.decode()
    assert "cannot receive our emails" not in page
    assert 'href="mailto:office@konstitucia.example.kz"' in page


def test_the_page_after_asking_for_a_new_password_names_a_way_on_not_a_desk(client, settings, citizen):
    """allauth's page ended "contact us", and the portal has no desk behind those words."""
    settings.CONTACT_EMAIL = "office@konstitucia.example.kz"
    response = client.post("/kk/accounts/password/reset/", {"email": citizen.email}, follow=True)
    main = response.content.decode()
    main = main[main.index("<main") : main.index("</main>")]
    assert 'href="/kk/accounts/password/reset/">қайта сұраңыз</a>' in main
    assert 'href="mailto:office@konstitucia.example.kz"' in main
    assert "contact us" not in main.lower()


@pytest.mark.parametrize("office", ["office@konstitucia.example.kz", ""])
def test_the_page_asking_for_a_new_password_names_the_office_or_no_desk(client, settings, office):
    """allauth's form ended "contact us if you have any trouble", with nowhere to write."""
    settings.CONTACT_EMAIL = office
    main = client.get("/ru/accounts/password/reset/").content.decode()
    main = main[main.index("<main") : main.index("</main>")]
    assert "Свяжитесь с нами" not in main and "contact us" not in main.lower()
    assert ('href="mailto:office@konstitucia.example.kz"' in main) == bool(office)
    assert 'name="email"' in main


def test_the_second_factor_step_says_a_recovery_code_is_taken_too(client, citizen):
    give_totp(citizen)
    client.post("/kk/accounts/login/", {"login": citizen.email, "password": "correct-horse-battery"})
    page = client.get("/kk/accounts/2fa/authenticate/").content.decode()
    assert "қалпына келтіру кодтарыңыздың бірін" in page
    # A wrong code is refused with what to type instead.
    page = client.post("/kk/accounts/2fa/authenticate/", {"code": "000000"}).content.decode()
    assert "әр 30 секунд сайын ауысады" in page


def test_a_new_address_refused_for_a_second_factor_says_how_to_change_it(client, citizen):
    give_totp(citizen)
    client.force_login(citizen)
    page = client.post(
        "/kk/accounts/email/", {"action_add": "", "email": "new@example.test"}
    ).content.decode()
    assert "қолданбаны өшіріп" in page


def test_a_switched_off_account_is_told_whom_to_ask(client, citizen, settings):
    settings.CONTACT_EMAIL = "office@example.test"
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    response = client.post(
        "/ru/accounts/login/", {"login": citizen.email, "password": "correct-horse-battery"}, follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/ru/accounts/inactive/"
    assert "напишите в аппарат Комиссии" in page and 'href="mailto:office@example.test"' in page
