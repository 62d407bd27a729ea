import pytest
from django.db import connection

from tests.factories import build_tree
from warmwinter.audit import triggers


@pytest.fixture
def tree(db):
    """The small real region tree of tests.factories.TREE."""
    return build_tree()


@pytest.fixture
def append_only_flushable(transactional_db):
    """For transactional tests (live server): the audit triggers are put back before the test,
    and taken off after it so the test database can be flushed between tests."""
    triggers.install(connection)
    yield
    triggers.remove(connection)


@pytest.fixture(autouse=True)
def _english_off(settings):
    settings.LANGUAGE_CODE = "zh-hans"
