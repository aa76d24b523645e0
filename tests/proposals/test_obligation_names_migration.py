"""The one name an answer obligation had becomes a name per language."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("proposals", "0010_responded_index_nulls_last")]
AFTER = [("proposals", "0011_obligation_names_in_languages")]


@pytest.fixture
def back_to_the_latest_migrations():
    """The test database goes back to every app's latest migration afterwards: the tests that follow (on
    this parallel worker, the browser tests' live server among them) need the columns added since 0011."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_names_are_kept_in_their_language_and_automatic_ones_in_all_three(back_to_the_latest_migrations):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("proposals", "ObligationRule")
    automatic = old.objects.create(name="30 күн ішінде жауап беру", days=30)
    typed = old.objects.create(name="Популярные за неделю", days=7, min_supports=100)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("proposals", "ObligationRule")
    names = {rule.pk: (rule.name_kk, rule.name_ru, rule.name_en) for rule in new.objects.all()}
    assert names[automatic.pk] == (
        "30 күн ішінде жауап беру",
        "Ответ в течение 30 дней",
        "Answer within 30 days",
    )
    assert names[typed.pk] == ("", "Популярные за неделю", "")


@pytest.mark.django_db(transaction=True)
def test_the_schema_is_whole_again_after_it():
    """Transactional like the test above, so it runs after it in file order (pytest-django runs transactional
    tests last): every column of every model is read, as the pages of the tests that follow read them."""
    for model in apps.get_models():
        list(model.objects.all()[:1])
