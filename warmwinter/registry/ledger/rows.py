"""One ledger row in, one validated person (and its household's details) out, or errors
that name the row and the column as the clerk wrote it. Rows are grouped into households."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from warmwinter.registry import idnumbers, protection
from warmwinter.registry.choices import Relation
from warmwinter.registry.ledger.headers import Header, field_of
from warmwinter.registry.ledger.spelling import pinyin_and_initials
from warmwinter.registry.ledger.lookups import (
    CATEGORY_UNKNOWN, EMPTY_WORDS, HEATING_UNKNOWN, HEATING_WORDS, HOUSING_UNKNOWN, HOUSING_WORDS, parse_choice, parse_grade, squeeze,
)
from warmwinter.registry.services import GRADE_REQUIRED
from warmwinter.registry.validation import BIRTH_MISMATCH, DEATH_BEFORE_BIRTH, PersonInput, check_person, parse_date

ID_REQUIRED = _("身份证号码不能为空（台账以身份证号码识别每个人）")
GRADE_WITHOUT_CATEGORY = _("填写了残疾等级“%(grade)s”，但人员类别中没有分等级的类别（如残疾人）")
DATE_UNREADABLE = _("日期“%(text)s”无法识别（请写成 2024-01-31 或 20240131）")
BANK_LOST_DIGITS = _("一卡通账号在 Excel 中被存成了数字，末几位已丢失（%(text)s）：请把该列设为文本后重新填写")
BANK_INVALID = _("一卡通账号“%(text)s”应只含数字")
VILLAGE_SPLIT = _("同一户的成员应在同一个村（社区）：本行为“%(this)s”，户主所在行为“%(head)s”")
_YEAR_MONTH = re.compile(r"^(\d{4})[.\-/年](\d{1,2})月?$")

PERSON_FIELDS = {"name": "name", "id_number": "id_number", "gender": "gender", "birth_date": "birth_date",
                 "relation": "relation", "phone": "phone", "death_date": "death_date", "notes": "notes"}


def text_of(value) -> str:
    """A cell as text: 12.0 -> "12", dates as 2024-01-31, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


class Row(NamedTuple):
    """A valid row (a NamedTuple: rows cross from the worker processes, and tuples pickle fast)."""

    number: int
    village: str
    person: tuple                 # the staging tuple minus (row, group): see stage.PERSON_COLUMNS
    is_head: bool
    head_name: str
    household_number: str
    household: dict               # address, phone, housing, heating, bank_protected, bank_tail, bank_hash
    categories: list              # (category code, grade or None)
    category_from: str = ""


class RowParser:
    """Validates rows of one file; every problem goes to `report(row, column, message)`."""

    def __init__(self, header: Header, *, villages, scope, categories, default_village: str | None, today: date, report):
        self.h = header
        self.col = header.columns
        self.villages, self.scope, self.categories = villages, scope, categories
        self.default_village = default_village
        self.today = today
        self.report = report
        self.head_rule = "relation" if "relation" in self.col else ("head_name" if "head_name" in self.col else "")

    def _get(self, cells, name):
        index = self.col.get(name)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def _err(self, number: int, name: str, message) -> None:
        self.report(number, self.h.text_of(name) if name else "", str(message))

    def is_blank(self, cells) -> bool:
        """Spacer, footer (填表人 …) and merged-continuation rows hold no person: skipped."""
        return text_of(self._get(cells, "name")) == "" and text_of(self._get(cells, "id_number")) == ""

    def is_repeated_header(self, cells) -> bool:
        """A header repeated down the sheet (printed page by page): its ID cell names the column."""
        value = self._get(cells, "id_number")
        if not isinstance(value, str) or not value or value[0].isdigit():
            return False
        return field_of(value) == "id_number" and field_of(self._get(cells, "name")) == "name"

    def parse(self, number: int, cells) -> Row | None:
        ok = True

        def err(name, message):
            nonlocal ok
            ok = False
            self._err(number, name, message)

        raw_id = self._get(cells, "id_number")
        if text_of(raw_id) == "":
            err("id_number", ID_REQUIRED)
        birth_raw = self._get(cells, "birth_date")
        year_month = None
        if isinstance(birth_raw, (int, float)) and not isinstance(birth_raw, bool):
            # 19520709 or 1952.07 typed into a number cell (1952.1 is October: Excel dropped the 0)
            birth_raw = text_of(birth_raw) if float(birth_raw).is_integer() else f"{birth_raw:.2f}"
        if isinstance(birth_raw, str):
            match = _YEAR_MONTH.match(squeeze(birth_raw))
            if match:
                year_month, birth_raw = (int(match.group(1)), int(match.group(2))), None
        relation_text = text_of(self._get(cells, "relation")) if "relation" in self.col else ""
        death_raw = self._get(cells, "death_date")
        clean = check_person(PersonInput(
            name=text_of(self._get(cells, "name")), id_number=raw_id if text_of(raw_id) else "",
            gender=text_of(self._get(cells, "gender")), birth_date=birth_raw, relation=relation_text,
            phone=text_of(self._get(cells, "phone")), notes=text_of(self._get(cells, "notes")),
        ), today=self.today)
        for name, message in clean.errors:
            if name == "id_number" and not text_of(raw_id):
                continue  # "no ID: give gender and birth date" does not apply: the ledger needs the ID
            err(PERSON_FIELDS.get(name, ""), message)
        if year_month and clean.id_number:
            derived = clean.birth_date
            if (derived.year, derived.month) != year_month:
                err("birth_date", BIRTH_MISMATCH % {"given": f"{year_month[0]}-{year_month[1]:02d}", "derived": derived.isoformat()})
        death = None
        if text_of(death_raw):
            try:
                death = parse_date(death_raw)
            except (ValueError, TypeError):
                err("death_date", DATE_UNREADABLE % {"text": text_of(death_raw)})
            if death and clean.birth_date and death < clean.birth_date:
                err("death_date", DEATH_BEFORE_BIRTH)

        village = self._village(number, cells, err)
        categories = self._categories(cells, err)
        category_from = ""
        if "category_from" in self.col and text_of(self._get(cells, "category_from")):
            raw = self._get(cells, "category_from")
            try:
                category_from = parse_date(raw).isoformat()
            except (ValueError, TypeError, AttributeError):
                err("category_from", DATE_UNREADABLE % {"text": text_of(raw)})
        household = self._household(cells, err)
        if not ok:
            return None

        number_id = clean.id_number
        relation = clean.relation if relation_text else ""
        head_name = squeeze(text_of(self._get(cells, "head_name")))
        if self.head_rule == "relation":
            is_head = clean.relation == Relation.HEAD
        elif self.head_rule == "head_name":
            is_head = bool(head_name) and head_name == clean.name
        else:
            # No relation, head name or household number: each row is a household of one.
            is_head = "household_number" not in self.col
        person = (
            village, protection.lookup_hash(number_id), protection.encrypt(number_id), number_id[-6:], idnumbers.mask(number_id),
            clean.name, *pinyin_and_initials(clean.name), clean.gender,
            clean.birth_date.isoformat() if clean.birth_date else None, relation, clean.phone, clean.notes,
            death.isoformat() if death else None, 1 if is_head else 0,
        )
        return Row(number=number, village=village, person=person, is_head=is_head, head_name=head_name,
                   household_number=text_of(self._get(cells, "household_number")), household=household,
                   categories=categories, category_from=category_from)

    def _village(self, number, cells, err) -> str:
        if "village" in self.col:
            text = text_of(self._get(cells, "village"))
            if not text and self.default_village:
                code, problem = self.default_village, None
            else:
                code, problem = self.villages.resolve(text, text_of(self._get(cells, "township")))
        else:
            code, problem = self.default_village, None
        if problem:
            err("village", problem)
            return ""
        scope_problem = self.scope.problem(code, self.villages.names.get(code, code))
        if scope_problem:
            err("village", scope_problem)
            return ""
        return code

    def _categories(self, cells, err) -> list[tuple[str, int | None]]:
        if "categories" not in self.col:
            return []
        found, unknown, in_cell = self.categories.parse(self._get(cells, "categories"))
        for word in unknown:
            err("categories", CATEGORY_UNKNOWN % {"name": word})
        grade, problem = parse_grade(self._get(cells, "grade")) if "grade" in self.col else (None, None)
        if grade is None and not problem:
            grade = in_cell  # 残疾人（2级） as exports write it
        if problem:
            err("grade", problem)
        graded = [c for c in found if c.has_grade]
        for category in graded:
            if grade is None and not problem:
                err("grade" if "grade" in self.col else "categories", GRADE_REQUIRED % {"category": category.name})
        if grade is not None and not graded and not unknown:
            err("grade", GRADE_WITHOUT_CATEGORY % {"grade": squeeze(self._get(cells, "grade"))})
        return [(c.code, grade if c.has_grade else None) for c in found]

    def _household(self, cells, err) -> dict[str, str]:
        values: dict[str, str] = {}
        if "address" in self.col:
            values["address"] = text_of(self._get(cells, "address"))[:200]
        if "phone" in self.col:
            values["phone"] = text_of(self._get(cells, "phone"))[:40]
        for name, table, message in (("housing", HOUSING_WORDS, HOUSING_UNKNOWN), ("heating", HEATING_WORDS, HEATING_UNKNOWN)):
            if name in self.col:
                value, problem = parse_choice(self._get(cells, name), table, message)
                if problem:
                    err(name, problem)
                values[name] = value or ""
        if "bank_account" in self.col:
            raw = self._get(cells, "bank_account")
            if isinstance(raw, (int, float)) and not isinstance(raw, bool) and abs(raw) >= 1e15:
                err("bank_account", BANK_LOST_DIGITS % {"text": text_of(raw)})
            else:
                text = re.sub(r"[\s\-]", "", squeeze(text_of(raw)))
                if text.lower() in EMPTY_WORDS:
                    text = ""
                if text and not text.isdigit():
                    err("bank_account", BANK_INVALID % {"text": text})
                elif text:
                    values["bank_protected"] = protection.encrypt(text, context=b"bank")
                    values["bank_tail"] = text[-4:]
                    values["bank_hash"] = protection.lookup_hash(text)
        return values


class Grouper:
    """Household of each row: a 户主 row starts one, and so does a change of 户主姓名 or 户编号;
    the rows after it belong to it. Without any of those columns, each row is a household."""

    def __init__(self, header: Header, report, village_names: dict[str, str]):
        self.village_names = village_names
        self.relation = "relation" in header.columns
        self.head_name = "head_name" in header.columns
        self.number = "household_number" in header.columns
        self.each_row = not (self.relation or self.head_name or self.number)
        self.header = header
        self.report = report
        self.group = 0
        self.size = 0
        self._key_head = self._key_number = ""
        self.village = ""
        self.village_row = 0

    def assign(self, row: Row) -> int:
        new = self.each_row or self.size == 0 or row.is_head
        if not new and self.head_name and row.head_name and self._key_head and row.head_name != self._key_head:
            new = True
        if not new and self.number and row.household_number and self._key_number and row.household_number != self._key_number:
            new = True
        if new:
            self.group += 1
            self.size = 0
            self._key_head, self._key_number = row.head_name, row.household_number
            self.village, self.village_row = row.village, row.number
        else:
            self._key_head = self._key_head or row.head_name
            self._key_number = self._key_number or row.household_number
            if row.village != self.village:
                names_ = self.village_names
                self.report(row.number, self.header.text_of("village"), str(VILLAGE_SPLIT % {
                    "this": names_.get(row.village, row.village), "head": names_.get(self.village, self.village)}))
        self.size += 1
        return self.group
