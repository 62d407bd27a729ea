"""What a ledger import answers: a result, or the file's rejection with every error."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from warmwinter.core.errors import DomainError

ROW_LABEL = _("第 %(row)s 行")
WHOLE_FILE = _("文件")
MAX_ERRORS = 10_000  # listed; the count in the message is always the full count


@dataclass(frozen=True)
class RowError:
    """One problem: `row` is the sheet row the clerk sees (0 = the file as a whole); `column` is the
    header as written in the file ("身份证号码"), "" when the problem is the whole row."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = str(ROW_LABEL % {"row": self.row}) if self.row else str(WHOLE_FILE)
        return f"{where} {self.column}：{self.message}" if self.column else f"{where}：{self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class LedgerRejected(DomainError):
    """The file has errors; nothing was written. `errors` lists them in row order (at most
    MAX_ERRORS; `total` counts them all)."""

    def __init__(self, errors: list[RowError], *, total: int | None = None):
        self.total = total if total is not None else len(errors)
        message = ngettext("文件有 %(count)s 处错误，未导入任何内容。", "文件有 %(count)s 处错误，未导入任何内容。", self.total) % {"count": self.total}
        super().__init__(message, errors=list(errors))

    @property
    def row_errors(self) -> list[RowError]:
        return self.errors


@dataclass(frozen=True)
class LedgerResult:
    rows: int
    households_created: int
    households_updated: int
    persons_created: int
    persons_updated: int
    unchanged: int
    dry_run: bool
    categories_added: int = 0

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


class ErrorSink:
    """Collects row errors (keeping the first MAX_ERRORS) and counts them all."""

    def __init__(self, limit: int = MAX_ERRORS):
        self.limit = limit
        self.items: list[RowError] = []
        self.total = 0

    def __call__(self, row: int, column: str, message) -> None:
        self.total += 1
        if len(self.items) < self.limit:
            self.items.append(RowError(row=row, column=column, message=str(message)))

    def __bool__(self) -> bool:
        return self.total > 0

    def rejection(self) -> LedgerRejected:
        ordered = sorted(self.items, key=lambda e: e.row)
        return LedgerRejected(ordered, total=self.total)
