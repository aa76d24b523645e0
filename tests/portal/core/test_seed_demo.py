import pytest
from django.core.management import CommandError, call_command

from portal.accounts.models import Organisation, User
from portal.core import permissions
from proposals.models import Comment, Proposal, Support

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_adds_nothing_twice(settings):
    settings.DEBUG = True
    options = {"users": 7, "proposals": 6, "supports": 20, "comments": 9}
    call_command("seed_demo", demo_accounts=True, demo_password="demo-pass-123", **options)
    counts = _counts()
    call_command("seed_demo", demo_accounts=True, demo_password="demo-pass-123", **options)
    assert _counts() == counts
    assert counts == (7 + 5, 1, 6, 20, 9, 2)
    assert sum(Proposal.objects.values_list("supports_count", flat=True)) == 20


def _counts():
    from proposals.models import DocumentVersion

    return (
        User.objects.count(),
        Organisation.objects.count(),
        Proposal.objects.count(),
        Support.objects.count(),
        Comment.objects.count(),
        DocumentVersion.objects.count(),
    )


def test_demo_document_has_two_versions_of_at_least_30_articles_in_three_languages(settings):
    from proposals.models import Article, Paragraph

    call_command("seed_demo", users=1, proposals=0, supports=0, comments=0)
    for position in (1, 2):
        articles = Article.objects.filter(version__position=position)
        assert articles.count() >= 30
    assert not Paragraph.objects.filter(text_kk="").exists()
    assert not Paragraph.objects.filter(text_ru="").exists()
    assert not Paragraph.objects.filter(text_en="").exists()


def test_demo_accounts_have_their_roles_and_can_log_in(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", users=0, proposals=0, demo_accounts=True, demo_password="demo-pass-123")
    assert permissions.is_moderator(User.objects.get(email="moderator@demo.test"))
    assert permissions.is_commission_member(User.objects.get(email="commission@demo.test"))
    assert permissions.is_admin(User.objects.get(email="admin@demo.test"))
    response = client.post("/en/accounts/login/", {"login": "citizen@demo.test", "password": "demo-pass-123"})
    assert response.status_code == 302
    assert client.get("/en/accounts/profile/").status_code == 200


def test_demo_accounts_are_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", users=0, proposals=0, demo_accounts=True, demo_password="demo-pass-123")
    assert not User.objects.filter(email="admin@demo.test").exists()
