"""四不两直 spot checks: draw a random sample of surveyed households or premises, re-visit them
unannounced with the same template, and flag every answer that differs from the original survey."""

from __future__ import annotations

import random
import secrets

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.scoping import membership_for
from warmwinter.audit import services as audit
from warmwinter.core.errors import DomainError
from warmwinter.regions.codes import in_subtree, prefix_of
from warmwinter.surveys import services
from warmwinter.surveys.choices import ResponseKind
from warmwinter.surveys.models import SpotCheck, SpotCheckItem, SurveyResponse, SurveyRound

SIZE_RANGE = _("样本量应为 1 到 %(n)s（该范围已摸排 %(n)s 户/处）。")
NOTHING_SURVEYED = _("该范围内还没有摸排记录，无法抽查。")
ALREADY_CHECKED = _("该对象已暗访，不能重复记录。")


@transaction.atomic
def spot_check_draw(*, actor, round_: SurveyRound, region_code: str, size: int, seed: int | None = None) -> SpotCheck:
    """Draw `size` surveyed households (or premises) of a region at random; the seed is kept so the draw can be re-run."""
    acting = membership_for(actor, action="spot_check.run", region_code=region_code)
    if not (in_subtree(region_code, round_.region_id) or in_subtree(round_.region_id, region_code)):
        raise DomainError(services.OUTSIDE_ROUND, field="region")
    pool = list(SurveyResponse.objects.filter(round=round_, kind=ResponseKind.SURVEY, region__code__startswith=prefix_of(region_code))
                .order_by("pk").values_list("pk", "region_id"))
    if not pool:
        raise DomainError(NOTHING_SURVEYED, field="region")
    if not 1 <= size <= len(pool):
        raise DomainError(SIZE_RANGE % {"n": len(pool)}, field="size")
    seed = secrets.randbits(48) if seed is None else seed
    sample = random.Random(seed).sample(pool, size)
    check = SpotCheck.objects.create(round=round_, region_id=region_code, size=size, seed=seed, drawn_by=actor)
    SpotCheckItem.objects.bulk_create([SpotCheckItem(spot_check=check, original_id=pk, region_id=code) for pk, code in sample])
    audit.record(actor=actor, role=acting.role, action="spot_check.draw", region_code=region_code, obj=check,
                 changes={"size": [None, size], "seed": [None, seed], "pool": [None, len(pool)]})
    return check


def answer_mismatches(template, original: dict, found: dict) -> list[dict]:
    """Questions whose inspector's answer differs from the survey's (photos and free text are not compared)."""
    differing = []
    for q in template.questions:
        if q["type"] in ("photo", "text"):
            continue
        before, after = original.get(q["key"]), found.get(q["key"])
        if after is None:
            continue
        if isinstance(before, list) and isinstance(after, list):
            same = sorted(before) == sorted(after)
        else:
            same = before == after
        if not same:
            differing.append({"question": q["key"], "label": q["label"], "label_en": q.get("label_en", ""),
                              "original": before, "found": after})
    return differing


@transaction.atomic
def spot_check_record(*, actor, item: SpotCheckItem, answers: dict, notes: str = "", persons_covered: int | None = None,
                      client_id: str | None = None) -> SpotCheckItem:
    """The inspector's answers for one drawn item; mismatches with the original survey are stored and audited.
    Problems the inspector's answers reveal go on the problem list like any other finding."""
    item = SpotCheckItem.objects.select_for_update().select_related("original__template", "spot_check__round").get(pk=item.pk)
    if item.recheck_id is not None:
        raise DomainError(ALREADY_CHECKED)
    original = item.original
    check = services.response_submit(
        actor=actor, template=original.template, household=original.household, premises=original.premises, answers=answers,
        kind=ResponseKind.SPOT_CHECK, notes=notes, persons_covered=persons_covered, client_id=client_id,
    )
    item.recheck = check
    item.mismatches = answer_mismatches(original.template, original.answers, check.answers)
    item.save(update_fields=["recheck", "mismatches"])
    acting = membership_for(actor, action="spot_check.run", region_code=item.region_id)
    audit.record(actor=actor, role=acting.role, action="spot_check.record", region_code=item.region_id, obj=item,
                 changes={"mismatches": [None, [m["question"] for m in item.mismatches]]})
    return item
