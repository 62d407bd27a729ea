"""A blank 摸底表 for a round: a title row with the round's name, a line of instructions, and the header row
the import reads (identification columns, one column per question, 见到人数, 走访时间).

Choice and yes/no columns get a drop-down of the accepted words; the ID-number column is text, so
Excel does not turn an 18-digit number into 5.20402E+17.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from warmwinter.registry.exports import escape_cell
from warmwinter.surveys import schema
from warmwinter.surveys.choices import QuestionType
from warmwinter.surveys.imports.columns import (
    HEADERS, HEAD_NAME, ID_NUMBER, NUMBER, PERSONS, TOWNSHIP, VILLAGE, VISITED_AT, importable, question_header,
)
from warmwinter.surveys.models import SurveyRound

FILL_ROWS = 500  # rows given the drop-downs and the text format
HEADER_ROW = 3


def blank_headers(round_: SurveyRound) -> list[str]:
    """The header row, left to right."""
    questions = [question_header(q) for q in importable(round_.template.questions)]
    return [HEADERS[TOWNSHIP], HEADERS[VILLAGE], HEADERS[NUMBER], HEADERS[HEAD_NAME], HEADERS[ID_NUMBER], *questions,
            HEADERS[PERSONS], HEADERS[VISITED_AT]]


def _choices(q: dict) -> list[str]:
    if q["type"] == QuestionType.YESNO:
        return [_("是"), _("否")]
    return [option.get("label") or option["value"] for option in q.get("options", [])]


def blank_sheet_xlsx(round_: SurveyRound) -> bytes:
    """The xlsx bytes of an empty 摸底表 for the round's template."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    headers = blank_headers(round_)
    questions = importable(round_.template.questions)
    book = Workbook()
    sheet = book.active
    sheet.title = _("摸底表")
    last = get_column_letter(len(headers))
    sheet["A1"] = escape_cell(_("%(name)s摸底表") % {"name": round_.name})
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A1:{last}1")
    sheet["A2"] = escape_cell(_("摸排范围：%(region)s　摸排时间：%(start)s 至 %(end)s　每户填一行；户主身份证号或户编号至少填一项；"
                                "各列可填的内容见表头批注。") % {"region": round_.region.name, "start": round_.starts_on, "end": round_.ends_on})
    sheet.merge_cells(f"A2:{last}2")
    thin = Side(style="thin", color="999999")
    first_data, last_data = HEADER_ROW + 1, HEADER_ROW + FILL_ROWS
    for index, text in enumerate(headers, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF1F4")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(24, 2 * len(text) + 2))
    id_letter = get_column_letter(headers.index(HEADERS[ID_NUMBER]) + 1)
    sheet.column_dimensions[id_letter].width = 22
    for row in range(first_data, last_data + 1):
        sheet[f"{id_letter}{row}"].number_format = "@"
    for offset, q in enumerate(questions):
        letter = get_column_letter(6 + offset)
        header = sheet[f"{letter}{HEADER_ROW}"]
        hint = schema.text(q)
        if q.get("required"):
            hint = _("%(label)s（必填）") % {"label": hint}
        words = _choices(q)
        if q["type"] == QuestionType.MULTI:
            hint += "\n" + _("可多选，多项之间用逗号（，）分隔。可填：") + "；".join(words)
        elif words:
            formula = '"' + ",".join(w.replace('"', "") for w in words) + '"'
            if len(formula) <= 255:  # Excel's limit for a list typed into the rule
                rule = DataValidation(type="list", formula1=formula, allow_blank=True)
                rule.add(f"{letter}{first_data}:{letter}{last_data}")
                sheet.add_data_validation(rule)
            hint += "\n" + _("可填：") + "；".join(words)
        header.comment = Comment(hint, "WarmWinter", width=260, height=120)
    sheet.freeze_panes = f"A{first_data}"
    sheet.print_title_rows = f"1:{HEADER_ROW}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
