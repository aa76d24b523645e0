"""The outcome: numbers and charts against a hand-checked fixture, clusters counted once, the overdue page,
and "what changed and why" on the article page."""

import json
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from proposals.models import ArticleIdentity, ConsultationStatus, ObligationRule
from proposals.selectors.outcome import consultation_stats
from proposals.views.outcome import BAR_AREA
from tests.factories import OrganisationFactory

from .factories import ConsultationFactory, ProposalFactory, TopicFactory, publish_response, revised_document

FULL_BAR = f'width="{float(BAR_AREA)}" height="20"'  # the largest bar of a chart, never localised
CHART_KEYS = ("response-status", "status", "topic", "article", "submitter", "week")

pytestmark = pytest.mark.django_db


def _days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def outcome(consultation, draft_article, commissioner, second_commissioner):
    """Four published proposals (one a campaign of three people), three answered; one rejected by
    moderation; one draft. Numbers below are worked out by hand from this list."""
    courts = TopicFactory(slug="courts", name_en="Courts")
    elections = TopicFactory(slug="elections", name_en="Elections")
    state = ArticleIdentity.objects.get(key="state")
    p1 = ProposalFactory(consultation=consultation, topic=courts, published_at=_days_ago(4))
    p1.articles.add(draft_article)
    p2 = ProposalFactory(
        consultation=consultation,
        topic=courts,
        published_at=_days_ago(2),
        submitter_type="organisation",
        organisation=OrganisationFactory(),
    )
    p2.articles.add(state)
    p3 = ProposalFactory(consultation=consultation, topic=elections, published_at=_days_ago(1))
    p3.articles.add(draft_article)
    p4 = ProposalFactory(
        consultation=consultation, topic=elections, published_at=_days_ago(8), cluster_size=3
    )
    members = [
        ProposalFactory(consultation=consultation, topic=elections, published_at=_days_ago(7), cluster_of=p4)
        for _ in range(2)
    ]
    ProposalFactory(consultation=consultation, status="rejected", published_at=None)
    ProposalFactory(consultation=consultation, status="draft", published_at=None)
    publish_response(p1, drafter=commissioner, approver=second_commissioner, status="accepted")
    publish_response(p2, drafter=commissioner, approver=second_commissioner, status="rejected")
    publish_response(p4, drafter=commissioner, approver=second_commissioner, status="partially_accepted")
    return {"proposals": [p1, p2, p3, p4], "members": members}


def test_outcome_numbers_match_the_hand_checked_fixture(consultation, outcome):
    stats = consultation_stats(consultation=consultation)
    expected_weeks = Counter(
        (
            timezone.localtime(p.published_at).date()
            - timedelta(days=timezone.localtime(p.published_at).weekday())
        ).isoformat()
        for p in outcome["proposals"]
    )
    assert stats == {
        "received": 5,  # p1–p4 and the one rejected by moderation; the campaign counts once, drafts not at all
        "published": 4,
        "answered": 3,
        "response_rate": 75.0,
        "median_days_to_response": 4.0,  # answers after 2, 4 and 8 days
        "answered_on_time": 0,  # no obligation is set in this fixture
        "answered_late": 0,
        "overdue": 0,
        "by_status": {"published": 1, "responded": 3},
        "by_response_status": {
            "accepted": 1,
            "partially_accepted": 1,
            "rejected": 1,
            "already_reflected": 0,
            "out_of_scope": 0,
        },
        "by_topic": {"courts": 2, "elections": 2},
        "answered_by_topic": {"courts": 2, "elections": 1},
        "by_article": {"local-budgets": 2, "state": 1},
        "by_submitter_type": {"individual": 3, "organisation": 1},
        "by_week": dict(expected_weeks),
    }
    assert sum(stats["by_week"].values()) == 4


def test_cluster_members_are_answered_but_counted_once(consultation, outcome):
    for member in outcome["members"]:
        member.refresh_from_db()
        assert member.status == "responded"
    stats = consultation_stats(consultation=consultation)
    # Six public proposals exist (p1–p4 and two campaign members); the campaign counts once.
    assert stats["published"] == 4 and stats["answered"] == 3
    assert sum(stats["by_response_status"].values()) == 3


def _chart_rows(html, key):
    return re.findall(rf'<tr data-chart="{key}"><th scope="row">([^<]*)</th><td>(\d+)</td></tr>', html)


def test_outcome_page_shows_the_numbers_and_accessible_charts(
    client, consultation, outcome, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        page = client.get(f"/en/consultations/{consultation.slug}/outcome/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<dd id="stat-received">5</dd>' in html
    assert '<dd id="stat-published">4</dd>' in html
    assert '<dd id="stat-answered">3</dd>' in html
    assert '<dd id="stat-rate">75.0%</dd>' in html
    assert '<dd id="stat-median">4.0</dd>' in html
    assert html.count('<figure class="chart"') == 6
    assert _chart_rows(html, "response-status") == [
        ("Accepted", "1"),
        ("Partially accepted", "1"),
        ("Rejected", "1"),
        ("Already reflected in the draft", "0"),
        ("Outside the scope of the consultation", "0"),
    ]
    assert _chart_rows(html, "topic") == [("Courts", "2"), ("Elections", "2")]
    # In the draft's order, not by article key (local-budgets is article 2, state is article 1).
    assert _chart_rows(html, "article") == [("Article 1", "1"), ("Article 2", "2")]
    assert _chart_rows(html, "submitter") == [("Individual", "3"), ("Organisation", "1")]
    assert sum(int(n) for _label, n in _chart_rows(html, "week")) == 4
    # The bars are drawn in proportion: the largest bar of a chart is the full width.
    assert FULL_BAR in html


def _chart(html, key):
    return re.search(
        rf'<figure class="chart" aria-labelledby="chart-{key}-caption">.*?</figure>', html, re.S
    )[0]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_chart_whose_every_count_is_zero_says_there_is_nothing_to_show(client, consultation, language):
    """Published proposals without a single answer drew "Answers by outcome" as five empty bars."""
    ProposalFactory.create_batch(2, consultation=consultation)
    html = client.get(f"/{language}/consultations/{consultation.slug}/outcome/").content.decode()
    answers = _chart(html, "response-status")
    assert "<svg" not in answers and "<table" not in answers
    with translation.override(language):
        assert gettext("Nothing to show yet.") in answers
    # The charts that count something still draw their bars.
    assert "<svg" in _chart(html, "status")


def test_chart_labels_are_shown_whole_beside_their_bars(
    client, consultation, outcome, commissioner, second_commissioner
):
    """The label "Outside the scope of the consultation" was cut to 36 characters inside the drawing."""
    out_of_scope = ProposalFactory(consultation=consultation)
    publish_response(out_of_scope, drafter=commissioner, approver=second_commissioner, status="out_of_scope")
    html = client.get(f"/en/consultations/{consultation.slug}/outcome/").content.decode()
    drawn = re.findall(r'<span class="bar-label">([^<]*)</span>', _chart(html, "response-status"))
    assert drawn == [label for label, _count in _chart_rows(html, "response-status")]
    assert "Outside the scope of the consultation" in drawn


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_chart_geometry_is_never_localised(client, consultation, outcome, language):
    """Russian and Kazakh write 280,0: inside SVG attributes that blanked the bars."""
    html = client.get(f"/{language}/consultations/{consultation.slug}/outcome/").content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == sum(len(_chart_rows(html, key)) for key in CHART_KEYS)  # a bar for each row
    numbers = re.findall(r'\s(?:x|y|width|height|viewBox)="([^"]*)"', "".join(svgs))
    assert numbers and all(re.fullmatch(r"[\d. %]+", value) for value in numbers), numbers
    assert FULL_BAR in html


def test_outcome_page_in_kazakh_and_unknown_consultation(client, consultation, outcome):
    assert client.get(f"/kk/consultations/{consultation.slug}/outcome/").status_code == 200
    assert client.get("/en/consultations/no-such-thing/outcome/").status_code == 404


def test_stats_api_returns_the_outcome_numbers(client, consultation, outcome):
    answer = client.get(f"/api/v1/stats?consultation={consultation.slug}")
    assert answer.status_code == 200
    body = answer.json()
    assert body.pop("consultation") == consultation.slug
    assert body == consultation_stats(consultation=consultation)
    # Without a parameter: the current (newest) consultation.
    assert client.get("/api/v1/stats").json()["published"] == 4


def test_stats_api_refuses_unknown_and_malformed_parameters(client, consultation):
    assert client.get("/api/v1/stats?colour=red").status_code == 400
    assert client.get("/api/v1/stats?consultation=bad%20slug!").status_code == 422
    assert client.get("/api/v1/stats?consultation=missing").status_code == 404


def test_stats_api_knows_no_draft_consultation(client, consultation):
    draft = ConsultationFactory(status=ConsultationStatus.DRAFT)
    assert client.get(f"/api/v1/stats?consultation={draft.slug}").status_code == 404


# --- obligations: the overdue page --------------------------------------------------------------------------


def test_overdue_proposal_is_listed_until_it_is_answered(
    client, consultation, commissioner, second_commissioner
):
    ObligationRule.objects.create(name_en="Every proposal within 7 days", days=7)
    ObligationRule.objects.create(name_en="Popular ones within 3 days", days=3, min_supports=5)
    late = ProposalFactory(consultation=consultation, title="Late proposal", published_at=_days_ago(10))
    popular = ProposalFactory(
        consultation=consultation, title="Popular proposal", supports_count=6, published_at=_days_ago(4)
    )
    ProposalFactory(consultation=consultation, title="Quiet recent proposal", published_at=_days_ago(4))
    url = f"/en/consultations/{consultation.slug}/overdue/"
    html = client.get(url).content.decode()
    assert "Late proposal" in html and "Popular proposal" in html
    assert "Quiet recent proposal" not in html
    assert "within 7 days" in html
    publish_response(late, drafter=commissioner, approver=second_commissioner)
    html = client.get(url).content.decode()
    assert "Late proposal" not in html and "Popular proposal" in html
    assert popular.pk


def test_overdue_page_without_rules_lists_nothing(client, consultation):
    ProposalFactory(consultation=consultation, title="Old proposal", published_at=_days_ago(100))
    html = client.get(f"/en/consultations/{consultation.slug}/overdue/").content.decode()
    assert "Old proposal" not in html and "No answer is overdue." in html


# --- what changed and why ------------------------------------------------------------------------------------


def test_article_page_shows_the_diff_beside_the_answer_that_drove_it(
    client, consultation, commissioner, second_commissioner
):
    _document, _old, new, liberty = revised_document(consultation)
    proposal = ProposalFactory(consultation=consultation, title="Protect personal liberty better")
    proposal.articles.add(liberty)
    publish_response(
        proposal,
        drafter=commissioner,
        approver=second_commissioner,
        articles=[liberty],
        version=new,
        reasoning_en="Article 7 now makes a court review every arrest.",
    )
    url = liberty.get_absolute_url().replace("/kk/", "/en/")
    html = client.get(url).content.decode()
    section = html[html.index('id="what-changed"') :]
    assert "Protect personal liberty better" in section
    assert "Article 7 now makes a court review every arrest." in section
    assert "From “Text in force” to “New draft”" in section
    assert re.search(r"<ins><span class=\"visually-hidden\">added: </span>[^<]*court", section)
    outcome = client.get(f"/en/consultations/{consultation.slug}/outcome/").content.decode()
    assert url + "#what-changed" in outcome
    # The proposal page links the article where the change was made.
    page = client.get(f"/en/proposals/{proposal.pk}/").content.decode()
    assert url + "?version=2#what-changed" in page


def test_article_without_answers_has_no_what_changed_section(client, consultation):
    _document, _old, _new, liberty = revised_document(consultation)
    html = client.get(liberty.get_absolute_url().replace("/kk/", "/en/")).content.decode()
    assert 'id="what-changed"' not in html


def test_obligations_kept_and_missed_are_counted_and_shown(
    client, consultation, commissioner, second_commissioner
):
    ObligationRule.objects.create(name_en="Within 5 days", days=5)
    on_time = ProposalFactory(consultation=consultation, title="Answered in time", published_at=_days_ago(3))
    late = ProposalFactory(consultation=consultation, title="Answered late", published_at=_days_ago(9))
    ProposalFactory(consultation=consultation, title="Still waiting", published_at=_days_ago(6))
    ProposalFactory(consultation=consultation, title="Recent", published_at=_days_ago(1))
    for proposal in (on_time, late):
        publish_response(proposal, drafter=commissioner, approver=second_commissioner)
    stats = consultation_stats(consultation=consultation)
    assert (stats["answered_on_time"], stats["answered_late"], stats["overdue"]) == (1, 1, 1)
    html = client.get(f"/en/consultations/{consultation.slug}/outcome/").content.decode()
    assert '<dd id="stat-on-time">1</dd>' in html and '<dd id="stat-overdue">1</dd>' in html
    assert "Answered by the promised deadline" in client.get(f"/en/proposals/{on_time.pk}/").content.decode()
    assert "Answered after the promised deadline" in client.get(f"/en/proposals/{late.pk}/").content.decode()
    rows = {
        row["title"]: row
        for row in json.loads(b"".join(client.get("/open-data/proposals.json").streaming_content))["results"]
    }
    assert rows["Answered in time"]["answered_on_time"] is True
    assert rows["Answered late"]["answered_on_time"] is False
    assert rows["Still waiting"]["answered_on_time"] is None
    assert rows["Still waiting"]["answer_deadline"] is not None


def test_the_outcome_numbers_are_counted_once_per_period_for_every_reader(client, consultation, settings):
    """Twenty aggregates over every proposal: shared for OUTCOME_STATS_CACHE_SECONDS, then counted again."""
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 0
    ProposalFactory(consultation=consultation)
    assert client.get("/api/v1/stats").json()["published"] == 1
    ProposalFactory(consultation=consultation)
    assert client.get("/api/v1/stats").json()["published"] == 1  # the shared count, seconds old
    cache.delete(f"outcome-stats:{consultation.pk}")  # what the expiry does
    assert client.get("/api/v1/stats").json()["published"] == 2


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("kk", "Қорытынды әлі жарияланған жоқ"),
        ("ru", "Итоги ещё не опубликованы"),
        ("en", "The outcome has not been published yet"),
    ],
)
def test_the_outcome_page_says_its_figures_are_interim_until_the_outcome_is_published(
    client, consultation, language, note
):
    url = f"/{language}/consultations/{consultation.slug}/outcome/"
    assert note in client.get(url).content.decode()
    consultation.status = ConsultationStatus.OUTCOME_PUBLISHED
    consultation.save()
    assert note not in client.get(url).content.decode()


def test_the_outcome_lists_as_changed_only_articles_whose_wording_the_named_version_changed(
    client, consultation, commissioner, second_commissioner
):
    document, _old, new, liberty = revised_document(consultation)
    untouched = ArticleIdentity.objects.get(document=document, key="article-3")
    for article in (liberty, untouched):
        publish_response(
            ProposalFactory(consultation=consultation),
            drafter=commissioner,
            approver=second_commissioner,
            articles=[article],
            version=new,
        )
    outcome = client.get(f"/en/consultations/{consultation.slug}/outcome/").content.decode()
    changed = outcome[outcome.index("Articles changed in answer to proposals") :]
    assert liberty.get_absolute_url().replace("/kk/", "/en/") + "#what-changed" in changed
    # Named by an answer, but the new draft has it word for word as before: its own page says it did not change.
    assert untouched.get_absolute_url().replace("/kk/", "/en/") not in changed


def test_the_outcome_numbers_are_written_as_each_language_writes_them(client, consultation, outcome):
    russian = client.get(f"/ru/consultations/{consultation.slug}/outcome/").content.decode()
    assert '<dd id="stat-rate">75,0\xa0%</dd>' in russian
    kazakh = client.get(f"/kk/consultations/{consultation.slug}/outcome/").content.decode()
    assert '<dd id="stat-rate">75,0%</dd>' in kazakh


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Answered, no deadline set"), ("ru", "Отвечено без установленного срока"), ("kk", "Мерзімсіз")],
)
def test_answers_with_and_without_a_deadline_add_up_to_the_answered(
    client, consultation, commissioner, second_commissioner, language, label
):
    """Only proposals an obligation covers have a deadline: "answered 2" beside "on time 0, late 0" read as
    if the answers had vanished."""
    ObligationRule.objects.create(name_en="Supported ones within 5 days", days=5, min_supports=10)
    covered = ProposalFactory(consultation=consultation, published_at=_days_ago(3), supports_count=10)
    uncovered = [ProposalFactory(consultation=consultation, published_at=_days_ago(3)) for _ in range(2)]
    for proposal in (covered, *uncovered):
        publish_response(proposal, drafter=commissioner, approver=second_commissioner)
    html = client.get(f"/{language}/consultations/{consultation.slug}/outcome/").content.decode()
    figures = {
        name: int(value)
        for name, value in re.findall(
            r'<dd id="stat-(answered|on-time|late|without-deadline)">(\d+)</dd>', html
        )
    }
    assert figures == {"answered": 3, "on-time": 1, "late": 0, "without-deadline": 2}
    assert re.search(rf"<dt>{label}[^<]*</dt><dd id=\"stat-without-deadline\">", html)
