"""Cases that tests/test_suite_isolation.py runs in a pytest of its own, in this order, on the test database
of the run that started it (`--reuse-db`). The suite does not collect this file (it is not `test_*.py`).

The first case empties the tables as every transactional test does; the second starts Playwright in its setup as
the session-wide `browser` fixture does (tests/browser/conftest.py), after that flush; from then on an asyncio loop is marked as running in the test thread. The cases after it check that the rows the
migrations created are all there, under the keys they were created with, whatever ran before."""

import asyncio
import json

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.core import serializers

from portal.accounts.models import PrivacyNotice, User
from tests.conftest import _SERIALIZED_ROWS


@pytest.fixture(scope="session")
def playwright_running():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


def _migration_rows(model) -> set:
    """The rows of `model` as the database was set up (serialized by Django after the migrations)."""
    label = model._meta.label_lower
    return {
        (row["pk"], json.dumps(row["fields"], sort_keys=True))
        for row in json.loads(_SERIALIZED_ROWS["default"])
        if row["model"] == label
    }


def _rows_now(model) -> set:
    serialized = json.loads(serializers.serialize("json", model.objects.all()))
    return {(row["pk"], json.dumps(row["fields"], sort_keys=True)) for row in serialized}


def _the_migration_rows_are_there() -> None:
    for model in (ContentType, Site, Group, PrivacyNotice):
        assert _migration_rows(model), model  # the migrations made some
        assert _rows_now(model) == _migration_rows(model), model


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_before_playwright_starts():
    """It empties the tables when it ends: the next test gets the rows back only from Django's deserialization."""
    _the_migration_rows_are_there()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_once_playwright_runs(playwright_running):
    """Playwright starts in this test's setup (a session fixture comes before the database's), which hands the
    test thread new connection objects before Django puts the rows back on them."""
    asyncio.get_running_loop()  # what Playwright's sync API leaves in the thread between its calls
    _the_migration_rows_are_there()


@pytest.mark.django_db
def test_a_test_in_a_transaction_after_it(client, django_capture_on_commit_callbacks):
    _the_migration_rows_are_there()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/accounts/signup/",
            {
                "email": "after.a.browser.test@example.test",
                "display_name": "After",
                "preferred_language": "en",
                "password1": "a-long-enough-password",
                "password2": "a-long-enough-password",
                "accept_privacy": "on",
            },
        )
    assert response.status_code == 302
    assert User.objects.filter(email="after.a.browser.test@example.test").exists()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_after_that(playwright_running):
    _the_migration_rows_are_there()


@pytest.mark.django_db(transaction=True)
def test_and_the_last_one(playwright_running):
    """After the last test the session's end puts the rows back (checked by the test that runs this file)."""
    _the_migration_rows_are_there()
