"""A file input speaks the page's language: the browser's own says "Choose Files" and "No file chosen" in the
browser's language whatever the page's."""

import pytest
from playwright.sync_api import expect

from proposals.demo import seed_consultation
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_attachment_picker_is_worded_in_kazakh_and_names_the_chosen_files(page, login_as, tmp_path):
    seed_consultation()
    login_as(UserFactory(preferred_language="kk"))
    page.goto("/kk/proposals/new/")
    picker = page.locator(".file-picker").first
    button = picker.locator("label", has_text="Файлдарды таңдау")
    expect(button).to_be_visible()
    expect(picker.locator(".file-names")).to_have_text("Файлдар таңдалмаған")
    # The browser's own input is out of sight, yet still the control the keyboard and a screen reader use.
    attachments = page.get_by_label("PDF тіркемелер")
    assert attachments.bounding_box()["width"] <= 1
    attachments.focus()
    expect(attachments).to_be_focused()

    first, second = tmp_path / "ұсыныс.pdf", tmp_path / "annex.pdf"
    for path in (first, second):
        path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    attachments.set_input_files([str(first), str(second)])
    expect(picker.locator(".file-names")).to_have_text("ұсыныс.pdf, annex.pdf")
    assert not page.console_errors
