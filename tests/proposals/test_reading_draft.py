"""A citizen reading the draft article by article: addresses that name no version, headings in another
language, the page of an article a version left out."""

import pytest

from proposals.demo import seed_consultation

pytestmark = pytest.mark.django_db

DOCUMENT = "/{language}/consultations/constitutional-reform/constitution/"


@pytest.mark.parametrize("path", ["", "articles/liberty/"])
@pytest.mark.parametrize("version", ["99", "abc", "0"])
def test_an_address_naming_no_version_is_not_found_instead_of_showing_another(client, path, version):
    seed_consultation()
    response = client.get(f"{DOCUMENT.format(language='ru')}{path}?version={version}")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "in_force", "draft"),
    [("", "Secularity", "Digital rights"), ("articles/liberty/", "Article 9.", "Article 7.")],
)
def test_the_named_version_and_the_latest_by_default_are_shown(client, path, in_force, draft):
    seed_consultation()
    named = client.get(f"{DOCUMENT.format(language='en')}{path}?version=1").content.decode()
    latest = client.get(f"{DOCUMENT.format(language='en')}{path}").content.decode()
    assert in_force in named and draft not in named
    assert draft in latest and in_force not in latest
