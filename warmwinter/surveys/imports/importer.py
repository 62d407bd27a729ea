"""摸底表 import: read the whole file, list every error (row, column, reason); only when there is none,
submit every row through services.response_submit in one transaction (source = import).

Households are found by an ID number of the household (the head's, as the 摸底表 has it; any
member's finds the same household) through the keyed hash, or by 户编号 within the village. A
household the user may not survey reads as unknown, so the file tells nothing about other places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from warmwinter.accounts.scoping import NOT_ALLOWED, prefixes_for
from warmwinter.core.errors import DomainError, Forbidden
from warmwinter.core.tabular import read_rows
from warmwinter.hazards.models import Hazard
from warmwinter.regions.codes import Level, in_subtree, level_of, prefix_of
from warmwinter.registry import idnumbers, protection
from warmwinter.registry.choices import HouseholdStatus
from warmwinter.registry.ledger.headers import HEADER_SCAN_ROWS
from warmwinter.registry.ledger.lookups import EMPTY_WORDS, VILLAGE_REQUIRED, Villages, squeeze
from warmwinter.registry.ledger.outcome import RowError
from warmwinter.registry.models import Household, Person
from warmwinter.surveys import schema, services
from warmwinter.surveys.choices import QuestionType, ResponseKind, ResponseSource, RoundStatus, Subject
from warmwinter.surveys.imports.columns import (
    DUPLICATE_COLUMN, HEAD_NAME, ID_NUMBER, IDENTITY_COLUMN_NEEDED, MISSING_COLUMN, NO_HEADER_ROW, NUMBER, PERSONS, TOWNSHIP,
    VILLAGE, VISITED_AT, Columns, Vocabulary, find_header, importable, question_header,
)
from warmwinter.surveys.models import SurveyResponse, SurveyRound

FILE_EMPTY = _("文件是空的")
NO_DATA_ROWS = _("表头下面没有数据")
PREMISES_NOT_SUPPORTED = _("场所检查不能用摸底表导入，请逐个场所填报。")
IDENTITY_NEEDED = _("请填写户主身份证号或户编号")
UNKNOWN_BY_ID = _("台账中没有这个身份证号码，或该户不在您可以摸排的范围内")
UNKNOWN_BY_NUMBER = _("%(village)s没有户编号为“%(number)s”的家庭，或该户不在您可以摸排的范围内")
NAME_MISMATCH = _("户主姓名“%(name)s”与台账中该户不一致，请核对身份证号或户编号")
HOUSEHOLD_INACTIVE = _("该户在台账中已迁出或注销")
DUPLICATE_HOUSEHOLD = _("与第 %(row)s 行是同一户（每户只能填一行）")
REQUIRED = _("必填")
BAD_TIME = _("无法识别的时间“%(text)s”（请填 2026-11-05 或 2026-11-05 09:30）")
FUTURE_TIME = _("走访时间晚于现在")
BAD_COUNT = _("请填不小于 0 的整数（现为“%(text)s”）")
SUMMARY = _("%(rows)s 行：新增摸排记录 %(created)s 户，更新 %(updated)s 户；列入问题清单 %(hazards)s 个。")

TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
                "%Y.%m.%d %H:%M", "%Y.%m.%d", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M", "%Y年%m月%d日", "%Y%m%d")
CLOCK_SKEW = timedelta(minutes=10)
MULTI_SEPARATORS = "、,，;；\n"


@dataclass
class SurveyImport:
    """What an import did, or (errors not empty) why nothing was written."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    hazards: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return ngettext("文件有 %(count)s 处错误，未导入任何内容。", "文件有 %(count)s 处错误，未导入任何内容。",
                            len(self.errors)) % {"count": len(self.errors)}
        return str(SUMMARY % {"rows": self.rows, "created": self.created, "updated": self.updated, "hazards": self.hazards})

    def as_dict(self) -> dict:
        return {"rows": self.rows, "created": self.created, "updated": self.updated, "hazards": self.hazards,
                "errors": [e.as_dict() for e in self.errors]}


@dataclass(frozen=True)
class _Row:
    number: int
    household: Household
    answers: dict
    visited_at: datetime | None
    persons: int | None


class _Rolledback(Exception):
    pass


def ensure_can_respond(actor, round_: SurveyRound) -> None:
    """Forbidden unless the actor may answer somewhere in the round's region."""
    root = prefix_of(round_.region_id)
    if not any(p.startswith(root) or root.startswith(p) for p in prefixes_for(actor, "survey.respond")):
        raise Forbidden(NOT_ALLOWED)


def survey_import(*, actor, round_: SurveyRound, file_name: str, content: bytes) -> SurveyImport:
    """Import a filled 摸底表 (.xlsx or .csv) into a round: every row or, on any error, none."""
    ensure_can_respond(actor, round_)
    errors: list[RowError] = []

    def report(row: int, column: str, message) -> None:
        errors.append(RowError(row=row, column=column, message=str(message)))

    if round_.status != RoundStatus.OPEN:
        report(0, "", services.ROUND_CLOSED)
    elif round_.template.subject != Subject.HOUSEHOLD:
        report(0, "", PREMISES_NOT_SUPPORTED)
    if errors:
        return SurveyImport(errors=errors)
    try:
        rows = list(read_rows(file_name, content))
    except DomainError as exc:
        report(0, "", exc.message)
        return SurveyImport(errors=errors)
    questions = importable(round_.template.questions)
    columns, body = find_header(rows, Vocabulary(questions))
    if columns is None:
        report(0, "", NO_HEADER_ROW % {"rows": HEADER_SCAN_ROWS} if rows else FILE_EMPTY)
        return SurveyImport(errors=errors)
    _check_columns(columns, questions, round_, report)
    if not errors and not body:
        report(0, "", NO_DATA_ROWS)
    if errors:
        return SurveyImport(errors=errors)
    reader = _RowReader(actor, round_, columns, questions, report)
    parsed = [row for row in (reader.read(number, cells) for number, cells in body) if row is not None]
    if errors:
        return SurveyImport(rows=len(body), errors=sorted(errors, key=lambda e: e.row))
    return _write(actor, round_, columns, parsed)


def _check_columns(columns: Columns, questions: list[dict], round_: SurveyRound, report) -> None:
    for text in columns.repeated:
        report(columns.row, text, DUPLICATE_COLUMN % {"column": text})
    if ID_NUMBER not in columns.at and NUMBER not in columns.at:
        report(columns.row, "", IDENTITY_COLUMN_NEEDED)
    for q in questions:
        if q.get("required") and q["key"] not in columns.questions:
            report(columns.row, question_header(q), MISSING_COLUMN % {"column": question_header(q)})


def _write(actor, round_: SurveyRound, columns: Columns, parsed: list[_Row]) -> SurveyImport:
    result = SurveyImport(rows=len(parsed))
    surveyed = set(SurveyResponse.objects.filter(round=round_, kind=ResponseKind.SURVEY, household__in=[r.household for r in parsed])
                   .values_list("household_id", flat=True))
    hazards_before = Hazard.objects.filter(response__round=round_).count()
    try:
        with transaction.atomic():
            for row in parsed:
                try:
                    services.response_submit(actor=actor, round_=round_, household=row.household, answers=row.answers,
                                             visited_at=row.visited_at, persons_covered=row.persons, source=ResponseSource.IMPORT)
                except DomainError as exc:  # changed since validation (a race): nothing is kept
                    name = (exc.field or "").removeprefix("answers.")
                    result.errors.append(RowError(row=row.number, column=columns.text(name) if name else "", message=str(exc.message)))
                    raise _Rolledback from None
    except _Rolledback:
        return result
    result.updated = len(surveyed)
    result.created = len(parsed) - result.updated
    result.hazards = Hazard.objects.filter(response__round=round_).count() - hazards_before
    return result


def multi_items(q: dict, text: str) -> list[str]:
    """The options named in a multi-choice cell. A label may contain a separator itself ("低保、特困、孤儿、贫困户基本生活"),
    so at each place the longest option spelled there wins; anything else runs to the next separator."""
    spellings = sorted({str(s).strip() for o in q.get("options", []) for s in (o["value"], o.get("label"), o.get("label_en")) if s},
                       key=len, reverse=True)
    items, at, folded = [], 0, text.lower()
    while at < len(text):
        if text[at] in MULTI_SEPARATORS or text[at].isspace():
            at += 1
            continue
        spelled = next((s for s in spellings if folded.startswith(s.lower(), at)
                        and (at + len(s) == len(text) or text[at + len(s)] in MULTI_SEPARATORS or text[at + len(s)].isspace())), None)
        end = at + len(spelled) if spelled else next((i for i in range(at, len(text)) if text[i] in MULTI_SEPARATORS), len(text))
        items.append(text[at:end].strip())
        at = end
    return items


class _RowReader:
    """Turns one data row into a household and clean answers, reporting every problem it sees."""

    def __init__(self, actor, round_: SurveyRound, columns: Columns, questions: list[dict], report):
        self.actor, self.round, self.columns, self.questions, self.report = actor, round_, columns, questions, report
        self.villages = Villages(round_.region_id)
        self.only_village = round_.region_id if level_of(round_.region_id) == Level.VILLAGE else None
        self.first_row: dict[int, int] = {}
        self.carried = {TOWNSHIP: "", VILLAGE: ""}  # merged 乡镇 / 村 cells: the value stands for the rows below
        self.now = timezone.now()
        self.errors = 0

    def _report(self, row: int, column: str, message) -> None:
        self.errors += 1
        self.report(row, column, message)

    def read(self, number: int, cells: list[str]) -> _Row | None:
        for name in self.carried:
            self.carried[name] = self.columns.cell(cells, name) or self.carried[name]
        identity = [self.columns.cell(cells, n) for n in (ID_NUMBER, NUMBER, HEAD_NAME)]
        answered = [cells[i] for i in self.columns.questions.values() if i < len(cells) and cells[i].strip()]
        if not any(identity) and not answered:
            return None  # a total, signature or note line under the table
        before = self.errors
        household = self._household(number, cells)
        answers = self._answers(number, cells)
        visited_at = self._visited_at(number, cells)
        persons = self._persons(number, cells, household)
        if household is None or self.errors > before:
            return None
        return _Row(number=number, household=household, answers=answers, visited_at=visited_at, persons=persons)

    def _household(self, number: int, cells: list[str]) -> Household | None:
        columns = self.columns
        raw_id, raw_number, name = (columns.cell(cells, n) for n in (ID_NUMBER, NUMBER, HEAD_NAME))
        if raw_id:
            try:
                digest = protection.lookup_hash(idnumbers.parse(raw_id).number)
            except idnumbers.IdNumberError as exc:
                self._report(number, columns.text(ID_NUMBER), exc.message)
                return None
            person = (Person.objects.visible_to(self.actor, "survey.respond").filter(id_number_hash=digest)
                      .select_related("household__head").first())
            if person is None:
                self._report(number, columns.text(ID_NUMBER), UNKNOWN_BY_ID)
                return None
            household, named = person.household, person.name
        elif raw_number:
            village = self._village(number)
            if village is None:
                return None
            household = (Household.objects.visible_to(self.actor, "survey.respond").filter(region_id=village, number=raw_number)
                         .select_related("head").first())
            if household is None:
                self._report(number, columns.text(NUMBER), UNKNOWN_BY_NUMBER % {"village": self.villages.names.get(village, village),
                                                                                 "number": raw_number})
                return None
            named = household.head.name if household.head_id else ""
        else:
            self._report(number, columns.text(ID_NUMBER if ID_NUMBER in columns.at else NUMBER), IDENTITY_NEEDED)
            return None
        if name and named and squeeze(name) != squeeze(named):
            self._report(number, columns.text(HEAD_NAME), NAME_MISMATCH % {"name": name})
        column = columns.text(ID_NUMBER if raw_id else NUMBER)
        if not in_subtree(household.region_id, self.round.region_id):
            self._report(number, column, services.OUTSIDE_ROUND)
        elif household.status != HouseholdStatus.ACTIVE:
            self._report(number, column, HOUSEHOLD_INACTIVE)
        elif household.pk in self.first_row:
            self._report(number, column, DUPLICATE_HOUSEHOLD % {"row": self.first_row[household.pk]})
        else:
            self.first_row[household.pk] = number
        return household

    def _village(self, number: int) -> str | None:
        text = self.carried[VILLAGE]
        if not text and self.only_village:
            return self.only_village
        if not text:
            self._report(number, self.columns.text(VILLAGE), VILLAGE_REQUIRED)
            return None
        code, problem = self.villages.resolve(text, self.carried[TOWNSHIP])
        if problem:
            self._report(number, self.columns.text(VILLAGE), problem)
        return code

    def _answers(self, number: int, cells: list[str]) -> dict:
        clean = {}
        for q in self.questions:
            index = self.columns.questions.get(q["key"])
            value = cells[index].strip() if index is not None and index < len(cells) else ""
            if q["type"] == QuestionType.MULTI and value in EMPTY_WORDS:
                value = ""  # 无 / — in a multi-choice column: nothing chosen
            if value == "":
                if q.get("required"):
                    self._report(number, self.columns.text(q["key"], question_header(q)), REQUIRED)
                continue
            try:
                clean[q["key"]] = schema.clean_answer(q, multi_items(q, value) if q["type"] == QuestionType.MULTI else value)
            except ValueError as exc:
                self._report(number, self.columns.text(q["key"]), str(exc))
        return clean

    def _visited_at(self, number: int, cells: list[str]) -> datetime | None:
        text = re.sub(r"\s+", " ", self.columns.cell(cells, VISITED_AT))
        if not text:
            return None
        for pattern in TIME_FORMATS:
            try:
                moment = datetime.strptime(text, pattern)
            except ValueError:
                continue
            if "%H" not in pattern:
                moment = moment.replace(hour=12)  # a date alone: midday, so it stays that day in any time zone nearby
            moment = timezone.make_aware(moment)
            if moment > self.now + CLOCK_SKEW:
                self._report(number, self.columns.text(VISITED_AT), FUTURE_TIME)
                return None
            return moment
        self._report(number, self.columns.text(VISITED_AT), BAD_TIME % {"text": text})
        return None

    def _persons(self, number: int, cells: list[str], household: Household | None) -> int | None:
        text = self.columns.cell(cells, PERSONS).removesuffix("人").strip()
        if not text:
            return None
        if not text.isdigit():
            self._report(number, self.columns.text(PERSONS), BAD_COUNT % {"text": text})
            return None
        count = int(text)
        if household is not None:
            alive = household.members.filter(alive=True).count()
            if count > alive:
                self._report(number, self.columns.text(PERSONS), services.PERSONS_RANGE % {"n": alive})
        return count
