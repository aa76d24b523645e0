"""A reason or note someone wrote, shown on a page in another language, carries the `lang` of its own (WCAG
3.1.2): a screen reader on a Russian page read a Kazakh reason with Russian sounds."""

import re

import pytest
from django.template import Context, Template
from django.test import Client

from portal.core.audit import audit_record
from proposals.services.proposal import proposal_withdraw
from tests.conftest import sign_in_staff

from .moderation_helpers import hide

pytestmark = pytest.mark.django_db

KAZAKH = "Мәтінде басқа адамның телефон нөмірі көрсетілген, сондықтан ұсыныс жасырылды."
KAZAKH_REASON = "Бұл ұсынысты басқа ұсыныспен біріктіремін."


def _marked(page: str, text: str) -> list[str]:
    """The `lang` of the element that holds `text` right inside it, for each place it is shown."""
    return re.findall(rf'<(?:span|p)[^>]*?(?: lang="(\w+)")?[^>]*>{re.escape(text)}', page)


def test_a_kazakh_reason_in_the_audit_log_on_a_russian_page_is_marked_kazakh(client, admin_user):
    audit_record(actor=admin_user, action="proposal.hidden", details={"reason": KAZAKH, "count": 2})
    page = sign_in_staff(client, admin_user).get("/ru/staff/audit/").content.decode()
    assert f'<span lang="kk">{KAZAKH}</span>' in page
    # A number is nobody's words: no mark.
    assert '<span lang="ru">2</span>' not in page and '<span lang="kk">2</span>' not in page


def test_a_kazakh_statement_of_reasons_on_a_russian_page_is_marked_kazakh(client, moderator, published):
    hide(moderator=moderator, proposal=published, statement=KAZAKH)
    client.force_login(published.author)
    page = client.get(f"/ru/proposals/{published.pk}/").content.decode()
    marks = _marked(page, KAZAKH)
    assert marks and set(marks) == {"kk"}, marks


def test_a_kazakh_withdrawal_reason_on_a_russian_page_is_marked_kazakh(client, published):
    proposal_withdraw(proposal=published, author=published.author, reason=KAZAKH_REASON)
    page = Client().get(f"/ru/proposals/{published.pk}/").content.decode()
    marks = _marked(page, KAZAKH_REASON)
    # On the notice and in the timeline.
    assert marks == ["kk", "kk"], marks


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        (KAZAKH, ' lang="kk"'),
        ("Предложение объединено с другим.", ' lang="ru"'),
        ("No.", ' lang="en"'),
        ("42", ""),
    ],
)
def test_lang_of_names_the_language_the_letters_tell(text, attribute):
    rendered = Template("{% load translated %}<p{{ text|lang_of }}>").render(Context({"text": text}))
    assert rendered == f"<p{attribute}>"
