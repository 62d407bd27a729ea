"""Background jobs of the registry."""

from __future__ import annotations

from django_tasks import task

from warmwinter.registry import dedupe


@task()
def duplicates_find(region_code: str = "") -> dict:
    """Propose duplicate candidates in a region; the ledger import enqueues it after commit:

        transaction.on_commit(lambda: duplicates_find.enqueue(region_code=job.region_id))
    """
    return dedupe.find_candidates(region_code=region_code).as_dict()
