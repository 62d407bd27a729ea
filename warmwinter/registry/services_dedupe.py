"""Writes for de-duplication and cross-checks. Each is audited; nothing merges silently."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.scoping import membership_for
from warmwinter.audit import services as audit
from warmwinter.core.errors import DomainError
from warmwinter.regions.codes import normalize, prefix_of
from warmwinter.registry import crosscheck, protection
from warmwinter.registry import services as registry_services
from warmwinter.registry.models import CrosscheckFlag, DuplicateCandidate, DuplicateStatus, Person, PersonLink
from warmwinter.registry.validation import PersonInput

ALREADY_DECIDED = _("该疑似重复已处理（%(status)s），请刷新页面。")
FLAG_ALREADY_REVIEWED = _("该比对疑点已核实（%(status)s），请刷新页面。")
FILE_HAS_ERRORS = _("比对名单有 %(count)s 处错误，未进行比对。请改正后重新上传。")
SOURCE_TOO_LONG = _("比对来源不能超过 200 个字")
NOT_A_DEATH_FLAG = _("只有已确认的死亡比对疑点才能据此标记死亡。")
ALREADY_DECEASED = _("%(name)s 已登记为死亡。")
BAD_REGION = _("区划代码无效：%(code)s")
REGION_REQUIRED = _("请选择比对范围（区划）。")
_CHUNK = 500


def _decide(*, actor, candidate: DuplicateCandidate, status: str):
    acting = membership_for(actor, action="duplicate.resolve", region_code=candidate.region_id)
    now = timezone.now()
    # A conditional update: of two people deciding the same pair at once, one wins.
    if not DuplicateCandidate.objects.filter(pk=candidate.pk, status=DuplicateStatus.OPEN).update(status=status, decided_by=actor, decided_at=now):
        current = DuplicateCandidate.objects.filter(pk=candidate.pk).values_list("status", flat=True).first()
        raise DomainError(ALREADY_DECIDED % {"status": DuplicateStatus(current).label if current else "—"})
    candidate.status, candidate.decided_by, candidate.decided_at = status, actor, now
    return candidate, acting


@transaction.atomic
def duplicate_link(*, actor, candidate: DuplicateCandidate) -> PersonLink:
    """Confirm that the two persons are the same human: a PersonLink; both rows and histories stay."""
    candidate, acting = _decide(actor=actor, candidate=candidate, status=DuplicateStatus.LINKED)
    link, _created = PersonLink.objects.get_or_create(
        person_id=candidate.person_a_id, same_as_id=candidate.person_b_id, defaults={"decided_by": actor},
    )
    audit.record(actor=actor, role=acting.role, action="duplicate.link", region_code=candidate.region_id, obj=candidate,
                 changes={"status": [DuplicateStatus.OPEN, DuplicateStatus.LINKED], "person_a": [None, candidate.person_a_id],
                          "person_b": [None, candidate.person_b_id], "reason": [None, candidate.reason]})
    return link


@transaction.atomic
def duplicate_dismiss(*, actor, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Record that the two persons are different people; the pair is not proposed again."""
    candidate, acting = _decide(actor=actor, candidate=candidate, status=DuplicateStatus.DISMISSED)
    audit.record(actor=actor, role=acting.role, action="duplicate.dismiss", region_code=candidate.region_id, obj=candidate,
                 changes={"status": [DuplicateStatus.OPEN, DuplicateStatus.DISMISSED], "person_a": [None, candidate.person_a_id],
                          "person_b": [None, candidate.person_b_id], "reason": [None, candidate.reason]})
    return candidate


@dataclass(frozen=True)
class CrosscheckResult:
    kind: str
    source: str
    rows: int          # data rows in the list (distinct ID numbers)
    matched: int       # of them, persons found in the registry (in the region)
    flagged: int       # new flags for review
    already: int       # matched, but flagged before by the same source (or, for a death list, already deceased)

    @property
    def unmatched(self) -> int:
        return self.rows - self.matched


def _detail(row: crosscheck.ListRow, person_name: str) -> str:
    if row.name and row.name != person_name:
        return str(_("%(detail)s（名单姓名：%(name)s）") % {"detail": row.detail, "name": row.name}).lstrip()[:200]
    return row.detail


def crosscheck_run(*, actor, kind: str, file_name: str, content: bytes, source: str = "", region_code: str = "") -> CrosscheckResult:
    """Compare an outside list with the registry by ID number; flag the persons found, for review.

    Without an actor (the `warmwinter crosscheck` command run by an operator) the whole
    registry, or `region_code`, is compared. Re-running the same list from the same source adds
    nothing. A list with any bad cell is rejected whole: nothing is written.
    """
    kind = crosscheck.check_kind(kind)
    source = (source or os.path.basename(file_name)).strip()
    if len(source) > 200:
        raise DomainError(SOURCE_TOO_LONG, field="source")
    if region_code:
        try:
            region_code = normalize(region_code)
        except ValueError:
            raise DomainError(BAD_REGION % {"code": region_code}, field="region") from None
    if actor is not None and not region_code:
        raise DomainError(REGION_REQUIRED, field="region")
    acting = membership_for(actor, action="crosscheck.run", region_code=region_code) if actor is not None else None
    # Read and check the whole list before the write transaction opens (SQLite holds its
    # write lock for the whole transaction).
    outside = crosscheck.read_list(file_name, content, kind=kind)
    if outside.errors:
        raise DomainError(FILE_HAS_ERRORS % {"count": len(outside.errors)}, field="file", errors=outside.errors)
    with transaction.atomic():
        return _flag_matches(actor=actor, acting=acting, kind=kind, source=source, file_name=file_name, region_code=region_code, outside=outside)


def _flag_matches(*, actor, acting, kind, source, file_name, region_code, outside) -> CrosscheckResult:

    by_hash: dict[str, crosscheck.ListRow] = {}
    for row in outside.rows:
        by_hash.setdefault(protection.lookup_hash(row.id_number), row)
    persons = Person.objects.all()
    if region_code:
        persons = persons.filter(region__code__startswith=prefix_of(region_code))
    hashes = list(by_hash)
    matched: list[tuple[int, str, str, bool, str]] = []
    for start in range(0, len(hashes), _CHUNK):
        matched.extend(persons.filter(id_number_hash__in=hashes[start:start + _CHUNK]).values_list("id", "region_id", "id_number_hash", "alive", "name"))
    flagged_before = set()
    ids = [m[0] for m in matched]
    for start in range(0, len(ids), _CHUNK):
        flagged_before.update(CrosscheckFlag.objects.filter(person_id__in=ids[start:start + _CHUNK], kind=kind, source=source).values_list("person_id", flat=True))
    new = [
        CrosscheckFlag(person_id=pk, region_id=region, kind=kind, source=source, detail=_detail(by_hash[digest], name))
        for pk, region, digest, alive, name in matched
        if pk not in flagged_before and not (kind == crosscheck.CrosscheckKind.DECEASED and not alive)
    ]
    CrosscheckFlag.objects.bulk_create(new, batch_size=_CHUNK, ignore_conflicts=True)
    result = CrosscheckResult(kind=kind, source=source, rows=len(by_hash), matched=len(matched), flagged=len(new), already=len(matched) - len(new))
    audit.record(actor=actor, role=acting.role if acting else "", action="crosscheck.run", region_code=region_code or (acting.region_id if acting else ""),
                 object_type="registry.crosscheckflag",
                 changes={"kind": [None, kind], "source": [None, source], "file": [None, os.path.basename(file_name)], "rows": [None, result.rows],
                          "matched": [None, result.matched], "unmatched": [None, result.unmatched], "flagged": [None, result.flagged]})
    return result


def _review(*, actor, flag: CrosscheckFlag, status: str, action: str) -> CrosscheckFlag:
    acting = membership_for(actor, action="crosscheck.run", region_code=flag.region_id)
    if not CrosscheckFlag.objects.filter(pk=flag.pk, status=DuplicateStatus.OPEN).update(status=status):
        current = CrosscheckFlag.objects.filter(pk=flag.pk).values_list("status", flat=True).first()
        raise DomainError(FLAG_ALREADY_REVIEWED % {"status": flag_status_label(current)})
    flag.status = status
    audit.record(actor=actor, role=acting.role, action=action, region_code=flag.region_id, obj=flag,
                 changes={"status": [DuplicateStatus.OPEN, status], "person": [None, flag.person_id], "kind": [None, flag.kind], "source": [None, flag.source]})
    return flag


FLAG_STATUS_LABELS = {DuplicateStatus.OPEN: _("待核实"), DuplicateStatus.LINKED: _("情况属实"), DuplicateStatus.DISMISSED: _("已排除")}


def flag_status_label(status: str | None) -> str:
    return str(FLAG_STATUS_LABELS.get(status, "—"))


@transaction.atomic
def crosscheck_confirm(*, actor, flag: CrosscheckFlag) -> CrosscheckFlag:
    """The outside list is right about this person (情况属实). The person is not changed here."""
    return _review(actor=actor, flag=flag, status=DuplicateStatus.LINKED, action="crosscheck.confirm")


@transaction.atomic
def crosscheck_dismiss(*, actor, flag: CrosscheckFlag) -> CrosscheckFlag:
    """The outside list is wrong about this person (e.g. a namesake); the flag is closed."""
    return _review(actor=actor, flag=flag, status=DuplicateStatus.DISMISSED, action="crosscheck.dismiss")


def death_date_of(flag: CrosscheckFlag) -> date | None:
    try:
        return date.fromisoformat(flag.detail[:10])
    except ValueError:
        return None


def can_mark_deceased(flag: CrosscheckFlag) -> bool:
    return flag.kind == crosscheck.CrosscheckKind.DECEASED and flag.status == DuplicateStatus.LINKED and flag.person.alive


@transaction.atomic
def crosscheck_mark_deceased(*, actor, flag: CrosscheckFlag) -> Person:
    """After a death flag was confirmed, record the death through the ordinary person update."""
    person = Person.objects.select_related("household").get(pk=flag.person_id)
    flag.person = person
    if flag.kind != crosscheck.CrosscheckKind.DECEASED or flag.status != DuplicateStatus.LINKED:
        raise DomainError(NOT_A_DEATH_FLAG)
    if not person.alive:
        raise DomainError(ALREADY_DECEASED % {"name": person.name})
    data = PersonInput(
        name=person.name, id_number=person.id_number(), gender=person.gender, birth_date=person.birth_date, relation=person.relation,
        phone=person.phone, alive=False, death_date=death_date_of(flag), notes=person.notes,
    )
    return registry_services.person_update(actor=actor, person=person, data=data, version=person.version)
