"""The 摸底表's columns: identification columns as clerks write them, and one column per template question.

A question's header is its `column` (else its label). The header row is the first of the top rows
that names at least three known columns, one of them an identification column; the rows above it
are titles. A two-row header (sections on top, questions below) is read as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from warmwinter.registry.ledger.headers import ALIASES, HEADER_SCAN_ROWS, MIN_RECOGNISED, header_text, normalize_header
from warmwinter.surveys.choices import QuestionType

TOWNSHIP, VILLAGE, NUMBER, HEAD_NAME, ID_NUMBER, VISITED_AT, PERSONS = (
    "township", "village", "household_number", "head_name", "id_number", "visited_at", "persons_covered")
IDENTIFYING = (TOWNSHIP, VILLAGE, NUMBER, HEAD_NAME, ID_NUMBER)

# field -> header texts (compared after normalize_header); the first is the one the blank sheet writes.
WORDS: dict[str, tuple[str, ...]] = {
    TOWNSHIP: ALIASES["township"],
    VILLAGE: ("村（社区）", *ALIASES["village"]),
    NUMBER: ALIASES["household_number"],
    HEAD_NAME: ("户主姓名", "户主", "户主名字", "姓名"),
    ID_NUMBER: ("户主身份证号", "户主身份证号码", "户主公民身份号码", "户主身份证", *ALIASES["id_number"]),
    VISITED_AT: ("走访时间", "走访日期", "摸排时间", "摸排日期", "入户时间", "入户日期", "调查时间", "调查日期"),
    PERSONS: ("见到人数", "见面人数", "实见人数", "见到人员数", "入户见到人数"),
}
HEADERS = {name: words[0] for name, words in WORDS.items()}

NO_HEADER_ROW = _("找不到表头行：前 %(rows)s 行中没有一行含有摸底表的列名（如 户主姓名、户主身份证号 和各题目的列名）")
MISSING_COLUMN = _("缺少“%(column)s”列")
IDENTITY_COLUMN_NEEDED = _("缺少“户主身份证号”或“户编号”列：至少要有一列用来找到台账中的家庭")
DUPLICATE_COLUMN = _("“%(column)s”列出现了两次")

_PARENS = re.compile(r"[(\[【（][^)\]】）]*[)\]】）]")


def question_header(q: dict) -> str:
    return q.get("column") or q["label"]


def importable(questions: list[dict]) -> list[dict]:
    """Questions a spreadsheet cell can answer (not photos)."""
    return [q for q in questions if q["type"] != QuestionType.PHOTO]


@dataclass
class Columns:
    """What the header row names: field or question key -> 0-based column index, and the headers as written."""

    row: int
    at: dict[str, int] = field(default_factory=dict)
    questions: dict[str, int] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)
    repeated: list[str] = field(default_factory=list)

    def text(self, name: str, fallback: str = "") -> str:
        index = self.at.get(name, self.questions.get(name))
        if index is None:
            return fallback or HEADERS.get(name, name)
        return self.texts[index]

    def cell(self, cells: list[str], name: str) -> str:
        index = self.at.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""


class Vocabulary:
    """Header text -> field or question key, for one template (questions win over identification words)."""

    def __init__(self, questions: list[dict]):
        self.fields: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        for name, words in WORDS.items():
            for word in words:
                self.fields.setdefault(normalize_header(word), name)
        for q in importable(questions):
            for word in (question_header(q), q["label"]):
                self.keys.setdefault(normalize_header(word), q["key"])

    def name(self, text) -> tuple[str, str] | None:
        """("question", key) or ("field", name) for a header cell, or None."""
        key = normalize_header(text)
        for candidate in (key, _PARENS.sub("", key)):
            if not candidate:
                continue
            if candidate in self.keys:
                return "question", self.keys[candidate]
            if candidate in self.fields:
                return "field", self.fields[candidate]
        return None

    def read(self, number: int, cells: list[str], columns: Columns | None = None) -> Columns:
        columns = columns or Columns(row=number)
        for index, cell in enumerate(cells):
            found = self.name(cell) if cell else None
            if found is None:
                continue
            kind, name = found
            target = columns.questions if kind == "question" else columns.at
            if name in target and target[name] != index:
                columns.repeated.append(header_text(cell))
                continue
            target[name] = index
            columns.texts[index] = header_text(cell)
        return columns

    def recognised(self, cells: list[str]) -> tuple[int, bool]:
        names = [self.name(c) for c in cells if c]
        found = [n for n in names if n]
        return len(found), any(kind == "field" and name in IDENTIFYING for kind, name in found)


def find_header(rows, vocabulary: Vocabulary) -> tuple[Columns | None, list[tuple[int, list[str]]]]:
    """The header (merged with a question row right under it) and the rows after it, or (None, [])."""
    rows = iter(rows)
    for number, cells in rows:
        if number > HEADER_SCAN_ROWS:
            break
        count, identifying = vocabulary.recognised(cells)
        if count >= MIN_RECOGNISED and identifying:
            columns = vocabulary.read(number, cells)
            rest = list(rows)
            if rest and rest[0][0] == number + 1:
                below_count, _identifying = vocabulary.recognised(rest[0][1])
                if below_count and not _has_identity_values(rest[0][1], columns):
                    vocabulary.read(rest[0][0], rest[0][1], columns)
                    columns.row = rest[0][0]
                    rest = rest[1:]
            return columns, rest
    return None, []


def _has_identity_values(cells: list[str], columns: Columns) -> bool:
    """A data row under the header has an ID number or a household number; a second header row has neither."""
    return bool(columns.cell(cells, ID_NUMBER) or columns.cell(cells, NUMBER))
