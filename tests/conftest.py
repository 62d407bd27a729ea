import pytest
from django.db import connection

from tests.factories import build_tree
from warmwinter.audit import triggers
from warmwinter.registry.categories import seed_categories
from warmwinter.registry.models import Category


@pytest.fixture
def tree(db):
    """The small real region tree of tests.factories.TREE."""
    return build_tree()


@pytest.fixture
def append_only_flushable(transactional_db):
    """For transactional tests (live server): the audit triggers and the seed categories (data
    from migrations, which a flush removes) are put back before the test, and the triggers are
    taken off after it so the test database can be flushed between tests."""
    triggers.install(connection)
    seed_categories(Category)
    yield
    triggers.remove(connection)


@pytest.fixture(autouse=True)
def _english_off(settings):
    settings.LANGUAGE_CODE = "zh-hans"
