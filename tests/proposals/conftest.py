import pytest

from portal.accounts import services as account_services
from portal.accounts.verification.services import identity_verification_record
from portal.core.roles import Role
from tests.conftest import give_totp
from tests.factories import UserFactory
from tests.identity import make_iin

from .factories import ConsultationFactory, HearingFactory, ProposalFactory


@pytest.fixture
def consultation(db):
    return ConsultationFactory()


@pytest.fixture
def hearing(consultation):
    return HearingFactory(consultation=consultation)


@pytest.fixture
def verify():
    """Marks people as verified persons, each with a distinct valid IIN (self-declared)."""

    def _verify(*users):
        for user in users:
            identity_verification_record(user=user, method="iin", identity=make_iin(), verified_by=None)
        return users

    return _verify


@pytest.fixture
def second_moderator(db):
    user = UserFactory(display_name="Moderator Asel")
    account_services.user_grant_role(user=user, role=Role.MODERATOR, granted_by=None)
    return user


@pytest.fixture
def published(consultation, other_citizen):
    return ProposalFactory(consultation=consultation, author=other_citizen)


SMALL_DRAFT = """# 1. General provisions
## 1. The state {#state}
1. The Republic is a democratic state.
## 2. Local budgets {#local-budgets}
1. Local councils approve local budgets.
"""


@pytest.fixture
def draft_article(consultation):
    """The identity of an article in the consultation's current draft (imported like a real one)."""
    from proposals.models import Document

    from .factories import import_published

    document = Document.objects.create(consultation=consultation, slug="constitution", title_en="Basic Law")
    version = import_published(
        document=document, labels={"en": "Draft"}, sources={"en": ("en.md", SMALL_DRAFT)}, imported_by=None
    )
    return version.articles.get(number="2").identity


@pytest.fixture
def staff_client(client):
    """A client logged in as the given staff member, with the second factor staff pages require (a module
    whose staff are one person overrides it with that person)."""

    def _login(user):
        give_totp(user)
        client.force_login(user)
        return client

    return _login
