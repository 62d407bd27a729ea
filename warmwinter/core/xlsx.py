"""The look of the statistical tables we write (survey coverage, compliance): one style set, one cell maker."""

from __future__ import annotations

from warmwinter.registry.exports import escape_cell


class TableStyles:
    """Title, subtitle, header, body and total-row styles of a 统计表 sheet."""

    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="999999")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = {"font": Font(bold=True, size=16), "alignment": Alignment(horizontal="center", vertical="center")}
        self.subtitle = {"alignment": Alignment(horizontal="left")}
        self.header = {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="EEF1F4"), "border": self.border,
                       "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True)}
        self.body = {"border": self.border}
        self.total = {"border": self.border, "font": Font(bold=True)}


def table_cell(sheet, value, **style):
    """A write-only cell, formula-safe, with the given style; a float is shown as a percentage."""
    from openpyxl.cell import WriteOnlyCell

    c = WriteOnlyCell(sheet, value=escape_cell(value))
    for name, setting in style.items():
        setattr(c, name, setting)
    if isinstance(value, float):
        c.number_format = "0.0%"
    return c
