"""Reading ledger files: the fast xlsx reader gives what openpyxl gives, merged ranges fill their
cells, csv encodings are recognised, and the import's pinyin equals registry.names'."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from tests.registry.ledger_files import write_csv, write_xls, write_xlsx
from warmwinter.registry import names
from warmwinter.registry.ledger.reader import open_sheet
from warmwinter.registry.ledger.spelling import pinyin_and_initials


def rows_of(path) -> list[tuple[int, list]]:
    with open_sheet(path, path.name) as sheet:
        return [(n, list(cells)) for n, cells in sheet.rows]


def openpyxl_rows(path) -> list[list]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def trimmed(cells: list) -> list:
    cells = list(cells)
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def test_values_as_openpyxl_reads_them(tmp_path):
    rows = [
        ["标题 & <说明>", None, None, None],
        ["姓名", "身份证号码", "出生日期", "人数"],
        ["张三", "52040219500301003X", datetime(1950, 3, 1), 3],
        ["李四", 520402195207090000, date(1952, 7, 9), 2.5],
        [None, None, None, None],
        ["  王 五 ", "'520402", True, -7],
    ]
    path = write_xlsx(tmp_path / "值.xlsx", rows)
    ours = rows_of(path)
    expected = openpyxl_rows(path)
    assert [n for n, _ in ours] == list(range(1, len(expected) + 1))
    assert [trimmed(c) for _, c in ours] == [trimmed(c) for c in expected]
    assert ours[2][1][2] == datetime(1950, 3, 1) and isinstance(ours[3][1][1], (int, float))


SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:dimension ref="A1:D5"/><x:sheetData>
<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row>
<x:row r="2" spans="1:4"><x:c r="A2" t="s"><x:v>1</x:v></x:c><x:c r="B2" t="s"><x:v>2</x:v></x:c><x:c r="C2" t="s"><x:v>3</x:v></x:c><x:c r="D2" t="s"><x:v>4</x:v></x:c></x:row>
<x:row r="4"><x:c r="A4" t="s"><x:v>5</x:v></x:c><x:c r="B4" t="str"><x:f>A4</x:f><x:v>a &amp; b</x:v></x:c><x:c r="C4" s="1"><x:v>18323</x:v></x:c><x:c r="D4" t="b"><x:v>1</x:v></x:c></x:row>
<x:row r="5"><x:c t="inlineStr"><x:is><x:r><x:t>王</x:t></x:r><x:r><x:rPr><x:color rgb="FFFF0000"/></x:rPr><x:t xml:space="preserve"> 五</x:t></x:r></x:is></x:c><x:c t="e"><x:v>#N/A</x:v></x:c><x:c s="1"/><x:c><x:v>5.2040219520709E+17</x:v></x:c></x:row>
</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A4:A5"/></x:mergeCells></x:worksheet>"""
STRINGS = """<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">
<si><t>花名册</t></si><si><t>姓名</t></si><si><t>身份证号码</t></si><si><t>出生日期</t></si><si><t>在世</t></si>
<si><r><t>张</t></r><r><rPr><b/></rPr><t>三</t></r><rPh sb="0" eb="1"><t>ZHANG</t></rPh></si></sst>"""
STYLES = """<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>
<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0" xfId="0"/><xf numFmtId="176" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"""
PARTS = {
    "[Content_Types].xml": """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>""",
    "_rels/.rels": """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""",
    "xl/workbook.xml": """<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>""",
    "xl/_rels/workbook.xml.rels": """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>""",
    "xl/worksheets/sheet1.xml": SHEET,
    "xl/sharedStrings.xml": STRINGS,
    "xl/styles.xml": STYLES,
}


def test_excel_shapes_shared_strings_prefixes_rich_text_and_dates(tmp_path):
    path = tmp_path / "excel.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
    ours = rows_of(path)
    assert ours == [
        (1, ["花名册"]),
        (2, ["姓名", "身份证号码", "出生日期", "在世"]),
        (3, []),  # a missing row is still counted, so row numbers stay the clerk's
        (4, ["张三", "a & b", datetime(1950, 3, 1), True]),  # rich text without its phonetic guide; a dated number
        (5, ["王 五", None, None, 5.2040219520709e17]),  # no r= attributes; an error cell reads as empty
    ]
    expected = openpyxl_rows(path)
    assert trimmed(ours[3][1]) == trimmed(expected[3])


def test_merged_ranges_fill_down_and_across(tmp_path):
    rows = [["姓名", "户主姓名", "家庭住址", "村（社区）"], ["张三", "张三", "金钟社区2组", None], ["李四", None, None, None]]
    path = write_xlsx(tmp_path / "合并.xlsx", rows, merges=["B2:B3", "C2:D3"])
    assert rows_of(path)[1:] == [(2, ["张三", "张三", "金钟社区2组", "金钟社区2组"]), (3, ["李四", "张三", "金钟社区2组", "金钟社区2组"])]


def test_xls_values_dates_and_merges(tmp_path):
    rows = [["姓名", "户主姓名", "出生日期", "身份证号码"], ["张三", "张三", datetime(1950, 3, 1), "52040219500301003X"],
            ["李四", "", 19520709, 520402195207090000]]
    path = write_xls(tmp_path / "旧.xls", rows, merges=[(1, 2, 1, 1)])
    assert rows_of(path) == [(1, ["姓名", "户主姓名", "出生日期", "身份证号码"]),
                             (2, ["张三", "张三", datetime(1950, 3, 1), "52040219500301003X"]),
                             (3, ["李四", "张三", 19520709.0, 5.2040219520709e17])]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    rows = [["姓名", "身份证号码", "村（社区）"], ["张三", "52040219500301003X", "金钟社区"]]
    assert rows_of(write_csv(tmp_path / "台账.csv", rows, encoding=encoding)) == [(1, rows[0]), (2, rows[1])]


def test_import_pinyin_is_the_registrys_pinyin():
    samples = ["张三", "单雄信", "尉迟恭", "曾国藩", "长孙无忌", "乐乐", "朴", "解放", "区长江", "覃", "欧阳修", "查理", "仇英",
               "万俟卨", "澹台灭明", "王 伟", "长江", "重庆", "李行", "", "A张"]
    for name in samples:
        assert pinyin_and_initials(name) == (names.pinyin(name), names.initials(name)), name
