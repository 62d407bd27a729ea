"""A village clerk imports a ledger through the browser: a file with errors is refused with a
Chinese error list, the corrected file goes in, and a household is found by pinyin initials."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.factories import build_tree, make_member
from warmwinter.registry.idnumbers import ID_BAD_CHECK, with_check_digit
from warmwinter.registry.models import Household, ImportJob, ImportStatus, Person
from warmwinter.registry.validation import GENDER_MISMATCH

VILLAGE = "520402005001"  # 金钟社区居民委员会, 东关街道 (tests.factories.TREE)
JOB_TIMEOUT_MS = 30_000
TITLE = "东关街道金钟社区困难群众台账（2025年冬）"
HEADER = ["序号", "户主姓名", "姓名", "与户主关系", "性别", "身份证号码", "出生日期", "人员类别", "村（社区）", "家庭住址"]
COL = {name: index for index, name in enumerate(HEADER)}
FIRST_DATA_ROW = 3  # title row 1, header row 2
MASKED = re.compile(r"^5204\*{10}\d{3}[\dX]$")


def id_for(born: date, order: int) -> str:
    """A valid number from 西秀区 (520402); an odd order is a man, an even one a woman."""
    return with_check_digit(f"520402{born:%Y%m%d}{order:03d}")


# (household, head, name, relation, gender, birth date, ID order, category, address)
PEOPLE = [
    (1, "张伟", "张伟", "户主", "男", date(1958, 3, 12), 31, "低保", "金钟社区2组15号"),
    (1, "张伟", "曾小红", "配偶", "女", date(1960, 8, 21), 42, "", "金钟社区2组15号"),
    (1, "张伟", "张小军", "长子", "男", date(1986, 1, 5), 57, "", "金钟社区2组15号"),
    (2, "李秀兰", "李秀兰", "户主", "女", date(1941, 11, 2), 24, "空巢/独居老人", "金钟社区3组7号"),
    (3, "王建国", "王建国", "户主", "男", date(1950, 6, 30), 13, "低保", "金钟社区5组21号"),
    (3, "王建国", "刘桂芳", "配偶", "女", date(1953, 2, 14), 66, "", "金钟社区5组21号"),
]
BAD_CHECK_NAME = "李秀兰"  # her ID number gets a wrong check digit
BAD_GENDER_NAME = "刘桂芳"  # written down as 男 although her ID number says 女


def ledger_rows() -> list[list]:
    rows = [[TITLE], list(HEADER)]
    for household, head, name, relation, gender, born, order, category, address in PEOPLE:
        rows.append([household, head, name, relation, gender, id_for(born, order), born.isoformat(), category, "金钟社区", address])
    return rows


def with_errors(rows: list[list]) -> list[list]:
    rows = [list(r) for r in rows]
    for row in rows[FIRST_DATA_ROW - 1:]:
        if row[COL["姓名"]] == BAD_CHECK_NAME:
            number = row[COL["身份证号码"]]
            row[COL["身份证号码"]] = number[:17] + ("0" if number[17] != "0" else "1")
        if row[COL["姓名"]] == BAD_GENDER_NAME:
            row[COL["性别"]] = "男"
    return rows


def sheet_row_of(rows: list[list], name: str) -> int:
    return next(i + 1 for i, row in enumerate(rows) if i >= FIRST_DATA_ROW - 1 and row[COL["姓名"]] == name)


def write_ledger(path: Path, rows: list[list]) -> Path:
    """As a clerk keeps it: a merged title row, ID numbers as text, and 序号 and 户主姓名 merged
    down over each household's rows (the value kept in the first cell only)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "台账"
    for row in rows:
        sheet.append(row)
        if sheet.max_row >= FIRST_DATA_ROW:
            sheet.cell(row=sheet.max_row, column=COL["身份证号码"] + 1).number_format = "@"
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    start = FIRST_DATA_ROW
    while start <= sheet.max_row:
        end = start
        while end + 1 <= sheet.max_row and sheet.cell(row=end + 1, column=1).value == sheet.cell(row=start, column=1).value:
            end += 1
        if end > start:
            for column in (COL["序号"] + 1, COL["户主姓名"] + 1):
                sheet.merge_cells(start_row=start, start_column=column, end_row=end, end_column=column)
        start = end + 1
    book.save(path)
    return path


def shot(page, step: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"test_ledger_import-{step}.png"), full_page=True)


def upload(page, path: Path) -> None:
    expect(page.locator("main h1")).to_have_text("导入台账")
    expect(page.locator("#id_region option:checked")).to_have_text("金钟社区居民委员会")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert re.search(r"/registry/imports/\d+/$", page.url), page.url


def wait_for_job(page, status: str) -> None:
    """Wait for the job's final status, then check that polling has stopped.

    The job is enqueued by transaction.on_commit. With the test settings' ImmediateBackend the
    task runs in the live server's request thread before the redirect, so the job page usually
    arrives already final. Under a queued backend the page keeps polling via htmx until the job
    ends; the wait covers that case too."""
    page.wait_for_selector(f'#import-status[data-status="{status}"]', timeout=JOB_TIMEOUT_MS)
    expect(page.locator("#import-status")).not_to_have_attribute("hx-get", re.compile(".*"))


@pytest.mark.browser
def test_clerk_imports_a_ledger_fixes_its_errors_and_finds_a_household_by_pinyin(open_page, server_url, sign_in, tmp_path):
    build_tree()
    clerk = make_member("village_clerk", VILLAGE)
    good = ledger_rows()
    bad = with_errors(good)
    bad_file = write_ledger(tmp_path / "金钟社区台账.xlsx", bad)
    good_file = write_ledger(tmp_path / "金钟社区台账（已改正）.xlsx", good)
    page = open_page()

    # 1. The clerk signs in and finds the upload page from the 台账 menu.
    sign_in(page, clerk.username, factories.PASSWORD)
    assert page.url == f"{server_url}/"
    with page.expect_navigation():
        page.click("nav.menu >> text=台账")
    with page.expect_navigation():
        page.click("nav.subnav >> text=导入台账")
    shot(page, "1-upload-form")

    # 2. The file with two errors is refused whole, with the errors in Chinese.
    upload(page, bad_file)
    wait_for_job(page, ImportStatus.REJECTED)
    expect(page.locator("#job-status")).to_have_text("有错误，未导入")
    expect(page.locator("#import-status .errorlist")).to_have_text("文件中有 2 处错误，整份文件未导入。请改正后重新上传。")
    expected_check = next(r[COL["身份证号码"]] for r in good[FIRST_DATA_ROW - 1:] if r[COL["姓名"]] == BAD_CHECK_NAME)[17]
    expected = [
        [str(sheet_row_of(bad, BAD_CHECK_NAME)), "身份证号码", str(ID_BAD_CHECK % {"expected": expected_check})],
        [str(sheet_row_of(bad, BAD_GENDER_NAME)), "性别", str(GENDER_MISMATCH % {"given": "男", "derived": "女"})],
    ]
    assert expected[0][2] == f"身份证号校验位错误（应为 {expected_check}）"
    assert expected[1][2] == "性别“男”与身份证号（女）不符"
    expect(page.locator("#import-errors thead th")).to_have_text(["行", "列", "错误原因"])
    rows = page.locator("#import-errors tbody tr")
    expect(rows).to_have_count(2)
    shown = [[cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()] for i in range(2)]
    assert sorted(shown) == sorted(expected)
    report = page.locator("#error-report")
    expect(report).to_be_visible()
    expect(report).to_have_text("下载错误报告（Excel，含原始各列和“错误原因”）")
    assert re.fullmatch(r"/registry/imports/\d+/errors\.xlsx", report.get_attribute("href"))
    assert Person.objects.count() == 0 and Household.objects.count() == 0
    assert ImportJob.objects.get().status == ImportStatus.REJECTED
    shot(page, "2-rejected")

    # 3. The corrected file goes in: 3 households, 6 persons.
    with page.expect_navigation():
        page.click("text=再导入一份文件")
    upload(page, good_file)
    wait_for_job(page, ImportStatus.DONE)
    expect(page.locator("#job-status")).to_have_text("已完成")
    expect(page.locator("#import-status")).to_contain_text(f"导入完成：共 {len(PEOPLE)} 行。")
    expect(page.locator("#count-households-created")).to_have_text("3")
    expect(page.locator("#count-persons-created")).to_have_text(str(len(PEOPLE)))
    expect(page.locator("#count-households-updated")).to_have_text("0")
    expect(page.locator("#count-persons-updated")).to_have_text("0")
    expect(page.locator("#import-errors")).to_have_count(0)
    assert Household.objects.count() == 3 and Person.objects.count() == len(PEOPLE)
    shot(page, "3-done")

    # 4. On the 台账 list, the pinyin initials "zw" find 张伟 and none of the other heads.
    with page.expect_navigation():
        page.click("nav.menu >> text=台账")
    expect(page.locator("#total")).to_have_text(f"共 {len(PEOPLE)} 人")
    page.fill("#f-q", "zw")
    with page.expect_navigation():
        page.press("#f-q", "Enter")
    assert "q=zw" in page.url
    found = page.locator("#persons tbody tr")
    expect(found).to_have_count(1)
    expect(found.locator("td").first.locator("a")).to_have_text("张伟")
    for other in ("李秀兰", "王建国", "曾小红", "张小军"):
        expect(page.locator("#persons")).not_to_contain_text(other)
    expect(page.locator("#total")).to_have_text("共 1 人")
    expect(found.locator("td").nth(1).locator("span").first).to_have_text(MASKED)
    shot(page, "4-search")

    # 5. His household page lists the three members with masked ID numbers only.
    with page.expect_navigation():
        found.locator("a[href*='/registry/households/']").click()
    expect(page.locator("main h1")).to_contain_text("张伟户")
    members = page.locator("#members tbody tr")
    expect(members).to_have_count(3)
    expect(members.locator("td:first-child a")).to_have_text(["张伟", "曾小红", "张小军"])
    for i in range(3):
        expect(members.nth(i).locator("td").nth(1)).to_have_text(MASKED)
    full_numbers = [r[COL["身份证号码"]] for r in good[FIRST_DATA_ROW - 1:]]
    html = page.content()
    assert not any(number in html for number in full_numbers)
    expect(page.locator("#household-facts")).to_contain_text("金钟社区2组15号")
    shot(page, "5-household")
