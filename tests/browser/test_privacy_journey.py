"""Sign-up cannot go on without accepting the privacy notice, and the
"download my data" archive downloads once."""

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.accounts.models import ConsentRecord, DataExport, PrivacyNotice, User
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed_notice():
    # Transactional tests flush the row the data migration seeded.
    PrivacyNotice.objects.get_or_create(
        version=1,
        defaults={"text_kk": "Біз не жинаймыз", "text_ru": "Что мы собираем", "text_en": "What we collect"},
    )


def test_signup_asks_for_the_privacy_notice_and_records_the_acceptance(page):
    _seed_notice()
    page.goto("/en/accounts/signup/")
    page.locator("#id_email").fill("careful@example.test")
    page.locator("#id_display_name").fill("Careful C.")
    page.locator("#id_password1").fill("a-long-enough-password")
    page.locator("#id_password2").fill("a-long-enough-password")
    page.get_by_role("button", name="Sign Up").click()
    # The box is required: the browser keeps the person on the form.
    assert re.search(r"/accounts/signup/$", page.url)
    assert not User.objects.filter(email="careful@example.test").exists()

    page.get_by_role("link", name="Privacy notice").first.click()
    page.get_by_text("What we collect").wait_for()
    page.go_back()
    page.locator("#id_email").fill("careful@example.test")
    page.locator("#id_display_name").fill("Careful C.")
    page.locator("#id_password1").fill("a-long-enough-password")
    page.locator("#id_password2").fill("a-long-enough-password")
    page.get_by_label("I have read and accept the privacy notice").check()
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r"/confirm-email/$"))
    user = User.objects.get(email="careful@example.test")
    assert ConsentRecord.objects.filter(user=user, version=1).exists()


def test_person_downloads_their_data_once(page, login_as):
    person = UserFactory(email="exporter@example.test", display_name="Exporter E.", preferred_language="en")
    login_as(person)
    page.goto("/en/accounts/profile/")
    page.get_by_role("link", name="My data and privacy").click()
    page.get_by_role("button", name="Prepare my data").click()
    button = page.get_by_role("button", name="Download my data (ZIP)")
    button.wait_for()
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    profile = json.loads(archive.read("profile.json"))
    assert profile["email"] == "exporter@example.test"
    assert "verification.json" in archive.namelist()

    page.reload()
    expect(page.get_by_text("You downloaded this archive")).to_be_visible()
    assert page.get_by_role("button", name="Download my data (ZIP)").count() == 0


def test_the_export_status_is_said_in_a_region_that_stays_in_place(page, login_as):
    """While the archive is built the part of the page polls every 2 s; its change of state is written into a
    status region that is never replaced, once, and nothing is said while nothing changes."""
    person = UserFactory(preferred_language="en")
    login_as(person)
    page.goto("/en/accounts/privacy/")
    page.get_by_role("button", name="Prepare my data").click()
    page.get_by_role("button", name="Download my data (ZIP)").wait_for()
    DataExport.objects.filter(user=person).update(status=DataExport.Status.BUILDING)
    page.reload()
    region = page.locator("#data-export-said")
    region.evaluate("element => { window.keptRegion = element; }")
    for _poll in range(2):  # the second answer comes after the first was swapped in
        with page.expect_response(re.compile(r"/privacy/export/\d+/$")):
            pass
    # A poll with no change says nothing.
    expect(region).to_have_text("")
    DataExport.objects.filter(user=person).update(status=DataExport.Status.READY)
    expect(region).to_have_text(re.compile(r"^Your archive is ready\."))
    assert region.evaluate("element => element === window.keptRegion"), "the region is the one first shown"
    assert region.get_attribute("role") == "status"


@pytest.fixture
def bypass_csp():
    return True  # axe-core is injected into the CSP-locked pages


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_privacy_pages_have_no_wcag_violations(page, login_as, language):
    from .test_accessibility import axe_violations

    _seed_notice()
    person = UserFactory(preferred_language=language)
    failures = {}
    page.goto(f"/{language}/privacy/")
    failures["notice"] = axe_violations(page)
    login_as(person)
    page.goto(f"/{language}/accounts/privacy/")
    page.locator("form[action$='/privacy/export/'] button").click()
    page.locator("#data-export").wait_for()
    failures["settings"] = axe_violations(page)
    User.objects.filter(pk=person.pk).update(privacy_notice_version=0)
    page.goto(f"/{language}/accounts/privacy/consent/")
    failures["consent"] = axe_violations(page)
    assert {name: found for name, found in failures.items() if found} == {}
