"""Property-based: every form of ours and every API input schema is fed odd Unicode (controls, private use,
bidi overrides, lone surrogates, combining marks, superscript digits), huge numbers and huge bodies. No 500,
and nothing accepted keeps a control or private-use character."""

import importlib
import pkgutil
import unicodedata
from collections import defaultdict

import pytest
from django import forms
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import portal
import proposals
from portal.accounts.tokens import api_token_create
from portal.core.forms import NormalisedInputMixin
from portal.core.text import NormalisedSchema
from proposals.models import Article, DocumentVersion, Proposal
from tests.proposals.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ODD_CHARACTERS = "\x00\x07\x08\x0b\x1b\x7f\x85\u200b\u200e\u202e\u2066\u2028\ue000\uf8ff\U000f0000\u0301²³١"
odd_text = st.text(
    alphabet=st.one_of(st.sampled_from(ODD_CHARACTERS), st.characters(codec="utf-8")), max_size=60
)
huge_number = st.one_of(
    st.integers(min_value=2**31, max_value=10**40).map(str),
    st.integers(min_value=-(10**40), max_value=-(2**31)).map(str),
    st.sampled_from(["99999999999999999999", "1e309", "NaN", "-0", "0x10", "²"]),
)
odd_value = st.one_of(odd_text, huge_number)


def _unwanted(text: str) -> bool:
    return any(
        unicodedata.category(char) in ("Cc", "Co", "Cs", "Cn") and char not in "\n\t" for char in text
    ) or any(char in text for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _our_modules():
    for package in (portal, proposals):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if any(part in info.name for part in (".migrations", ".management", ".settings", ".demo")):
                continue
            yield importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def our_forms() -> list[type]:
    list(_our_modules())
    return sorted(
        {
            cls
            for cls in _subclasses(forms.BaseForm)
            if cls.__module__.startswith(("portal.", "proposals."))
            and cls.__name__ not in ("PortalForm", "PortalModelForm", "IdsForm")
            and cls.__module__ != "portal.core.forms"
        },
        key=lambda cls: f"{cls.__module__}.{cls.__name__}",
    )


def our_input_schemas() -> list[type]:
    list(_our_modules())
    return list(_subclasses(NormalisedSchema))


# Arguments some forms take besides their data.
EXTRA_ARGUMENTS = {
    "PreferencesForm": lambda: {"current": defaultdict(str)},
    "AnswerLinksForm": lambda: {"consultation": ConsultationFactory()},
    "ResponseForm": lambda: {"consultation": ConsultationFactory()},
    "ResponseCorrectionForm": lambda: {"consultation": ConsultationFactory()},
    # A draft's article of a document without identities: the choices are "new" and "unconfirmed".
    "ArticleMatchForm": lambda: {"article": Article(version=DocumentVersion(document_id=0))},
}


def test_every_form_of_ours_normalises_its_input():
    plain = [
        f"{cls.__module__}.{cls.__name__}" for cls in our_forms() if not issubclass(cls, NormalisedInputMixin)
    ]
    assert plain == [], "forms must inherit PortalForm or PortalModelForm"
    assert len(our_forms()) >= 30


def test_every_api_input_schema_normalises_its_input():
    names = {cls.__name__ for cls in our_input_schemas()}
    assert {"ProposalIn", "ListFilters", "StatsFilters", "DiffQuery"} <= names


@pytest.mark.parametrize("form_class", our_forms(), ids=lambda cls: cls.__name__)
@FUZZ
@given(data=st.data())
def test_odd_input_to_any_form_is_answered_and_never_stored_with_control_characters(form_class, data):
    extra = EXTRA_ARGUMENTS.get(form_class.__name__, dict)()
    names = list(form_class(**extra).fields)
    values = {name: data.draw(odd_value, label=name) for name in names}
    form = form_class(data=values, **extra)
    if form.is_valid():
        for value in form.cleaned_data.values():
            if isinstance(value, str):
                assert not _unwanted(value)


@pytest.fixture
def token(citizen):
    ConsultationFactory()
    return api_token_create(user=citizen, name="fuzz")[1]


@FUZZ
@given(title=odd_text, summary=odd_text, body=odd_text, organisation=huge_number)
def test_odd_proposals_through_the_api_never_500_nor_store_control_characters(
    token, title, summary, body, organisation
):
    client = Client()
    for payload in (
        {"title": title, "summary": summary, "body": body, "language": "en"},
        {"title": title, "summary": summary, "body": body, "language": "en", "organisation": organisation},
    ):
        response = client.post(
            "/api/v1/proposals",
            payload,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code < 500
        assert response["Content-Type"].startswith("application/json")
    for proposal in Proposal.objects.all():
        assert not any(_unwanted(text) for text in (proposal.title, proposal.summary, proposal.body))


@FUZZ
@given(q=odd_text, page=huge_number, page_size=huge_number, topic=odd_text)
def test_odd_api_query_parameters_never_500(q, page, page_size, topic):
    client = Client()
    for url, params in (
        ("/api/v1/proposals", {"q": q, "page": page, "page_size": page_size, "topic": topic}),
        ("/api/v1/hearings", {"page": page, "page_size": page_size}),
        ("/api/v1/stats", {"topic": topic}),
    ):
        response = client.get(url, params)
        assert response.status_code < 500, (url, params)
        assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("size", [3_000_000])
def test_a_huge_api_body_is_answered_in_json(token, size):
    response = Client().post(
        "/api/v1/proposals",
        '{"title": "' + "x" * size + '"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
