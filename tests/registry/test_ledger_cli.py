"""`warmwinter import ledger FILE [--region CODE] [--dry-run] [--report PATH]`: output and exit codes."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.registry.ledger_files import COL, ledger_rows, registry_counts, write_xlsx


def run(capsys, *args) -> tuple[int, str, str]:
    """The command as `warmwinter import ledger ...` runs it; the exit status is what
    BaseCommand.run_from_argv would exit with (it closes the test's connection, so not used here)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", "ledger", *map(str, args), stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        code = error.returncode
        err.write(str(error) + "\n")
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def good(tree, tmp_path):
    return write_xlsx(tmp_path / "台账.xlsx", ledger_rows())


@pytest.fixture
def bad(tree, tmp_path):
    rows = ledger_rows()
    rows[3][COL["与户主关系"]] = "干亲"
    rows[5][COL["残疾等级"]] = ""
    return write_xlsx(tmp_path / "台账（有错）.xlsx", rows)


def test_import_prints_the_counts_and_exits_0(capsys, good):
    code, out, err = run(capsys, good, "--region", "520402")
    assert code == 0
    assert out.strip() == "4 行：新增家庭 2 户，更新家庭 0 户；新增人员 4 人，更新人员 0 人，未变 0 人；新增类别认定 2 条。"
    assert registry_counts()["persons"] == 4


def test_second_run_reports_everything_unchanged(capsys, good):
    run(capsys, good, "--region", "520402")
    code, out, _ = run(capsys, good, "--region", "520402")
    assert code == 0 and "未变 4 人" in out and "新增人员 0 人" in out


def test_dry_run_says_so_and_writes_nothing(capsys, good):
    before = registry_counts()
    code, out, _ = run(capsys, good, "--region", "520402", "--dry-run")
    assert code == 0 and out.startswith("试导入（未写入任何内容）：4 行：新增家庭 2 户")
    assert registry_counts() == before


def test_rejected_file_lists_every_error_on_stderr_and_exits_1(capsys, bad, tmp_path):
    before = registry_counts()
    report = tmp_path / "错误报告.xlsx"
    code, out, err = run(capsys, bad, "--region", "520402", "--report", report)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines[:2] == ["第 4 行 与户主关系：与户主关系“干亲”无法识别", "第 6 行 残疾等级：残疾人需要填写等级（1–4 级）"]
    assert f"错误报告已写入 {report}" in err and "文件有 2 处错误，未导入任何内容。" in lines[-1]
    assert registry_counts() == before
    assert load_workbook(report).worksheets[0].cell(row=4, column=14).value == "与户主关系：与户主关系“干亲”无法识别"


def test_missing_file_and_unknown_region(capsys, tree, tmp_path):
    code, _, err = run(capsys, tmp_path / "没有这个文件.xlsx")
    assert code == 1 and "文件不存在" in err
    code, _, err = run(capsys, write_xlsx(tmp_path / "台账.xlsx", ledger_rows()), "--region", "999999")
    assert code == 1 and "区划代码不存在：999999" in err


def test_usage_error_exits_2():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings")
    done = subprocess.run([sys.executable, "-m", "warmwinter.cli", "import", "ledger"], capture_output=True, text=True, env=env)
    assert done.returncode == 2 and "file" in done.stderr
