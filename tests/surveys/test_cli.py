"""`warmwinter survey templates | rounds | coverage | import | blank`: output and exit codes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.factories import make_member
from tests.registry.factories import OTHER_VILLAGE, VILLAGE, make_household
from tests.surveys.factories import GOOD_P6, TOWNSHIP, make_response, make_round, template
from tests.surveys.test_imports import data_row, sheet_rows, xlsx_bytes
from warmwinter.accounts.roles import Role
from warmwinter.surveys.models import SurveyResponse

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str, str]:
    """The command as `warmwinter survey ...` runs it, with the exit status BaseCommand.run_from_argv would give."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("survey", *map(str, args), stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        code = error.returncode
        err.write(str(error) + "\n")
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def world(tree):
    round_ = make_round(TOWNSHIP, name="冬季入户走访")
    homes = [make_household(VILLAGE, number="JZ-01", members=["张一", "张二"]), make_household(VILLAGE, number="JZ-02", members=["李二"]),
             make_household(OTHER_VILLAGE, number="DG-01", members=["赵四"])]
    return {"round": round_, "homes": homes, "clerk": make_member(Role.VILLAGE_CLERK, VILLAGE, username="yang")}


def test_templates_and_rounds(world):
    code, out, _ = run("templates")
    p6 = template()
    assert code == 0 and f"{p6.pk}\tp6-visit-checklist v1\tP6\thousehold\t12\t重点关注对象入户走访六项检查表" in out.splitlines()
    make_round("520402001000", name="南街摸排")
    code, out, _ = run("rounds")
    assert code == 0 and {line.split("\t")[1] for line in out.splitlines()} == {"冬季入户走访", "南街摸排"}
    code, out, _ = run("rounds", "--region", VILLAGE)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 1 and lines[0].startswith(f"{world['round'].pk}\t冬季入户走访\tp6-visit-checklist\t东关街道\t")
    assert lines[0].endswith("\t—\t进行中")
    code, out, _ = run("rounds", "--user", "yang")
    assert [line.split("\t")[1] for line in out.splitlines()] == ["冬季入户走访"]  # the clerk does not see 南街's
    assert run("rounds", "--user", "nobody")[0] == 1


def test_coverage_table_and_json(world):
    round_, homes = world["round"], world["homes"]
    make_response(round_, household=homes[0])  # 2 of 2 seen
    make_response(round_, household=homes[2], answers={**GOOD_P6, "wiring_ok": False}, persons_covered=0)
    code, out, _ = run("coverage", round_.pk)
    lines = out.splitlines()
    assert code == 0 and lines[0] == "冬季入户走访（东关街道）"
    assert lines[1] == "区划\t户数\t已摸排\t覆盖率\t人数\t见到人数\t逾期\t完成村数"
    assert lines[2] == "金钟社区居民委员会\t2\t1\t50.0%\t3\t2\t0\t0/1"
    assert lines[3] == "东关社区居民委员会\t1\t1\t100.0%\t1\t0\t0\t1/1"
    assert lines[4] == "合计\t3\t2\t66.7%\t4\t2\t0\t1/2"
    assert lines[5] == "问题：发现 0 个，已销号 0 个（整改率 —），逾期未销号 0 个。"  # make_response writes no hazards
    code, out, _ = run("coverage", round_.pk, "--region", VILLAGE, "--json")
    body = json.loads(out)
    assert code == 0 and body["region"] == VILLAGE
    assert (body["total"]["households"], body["total"]["households_surveyed"], body["total"]["coverage_rate"]) == (2, 1, 50.0)
    code, out, _ = run("coverage", round_.pk, "--user", "yang", "--json")
    assert json.loads(out)["region"] == VILLAGE  # the clerk's own village by default
    code, _, err = run("coverage", 987654)
    assert code == 1 and "摸排不存在（或不在该用户的范围内）：987654" in err
    assert run("coverage", round_.pk, "--region", "99x")[0] == 1


def test_import_prints_the_counts(world, tmp_path):
    ids = [h.head.id_number() for h in world["homes"]]
    path = tmp_path / "摸底表.xlsx"
    path.write_bytes(xlsx_bytes(sheet_rows([1, *data_row("张一", ids[0], 用电安全="否")[1:]], [2, *data_row("李二", ids[1])[1:]])))
    code, out, err = run("import", path, "--round", world["round"].pk, "--user", "yang")
    assert (code, out.strip(), err) == (0, "2 行：新增摸排记录 2 户，更新 0 户；列入问题清单 1 个。", "")
    assert SurveyResponse.objects.filter(source="import", surveyor=world["clerk"]).count() == 2


def test_import_rejected_lists_every_error_and_exits_1(world, tmp_path):
    ids = [h.head.id_number() for h in world["homes"]]
    path = tmp_path / "有错.xlsx"
    path.write_bytes(xlsx_bytes(sheet_rows([1, *data_row("张一", ids[0], 住房状况="豪宅")[1:]],
                                           [2, *data_row("赵四", ids[2])[1:]])))  # 东关社区: not the clerk's village
    code, out, err = run("import", path, "--round", world["round"].pk, "--user", "yang")
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        "第 4 行 住房状况：不是可选项：豪宅",
        "第 5 行 户主身份证号：台账中没有这个身份证号码，或该户不在您可以摸排的范围内",
        "文件有 2 处错误，未导入任何内容。",
    ]
    assert SurveyResponse.objects.count() == 0


def test_import_argument_errors(world, tmp_path):
    code, _, err = run("import", tmp_path / "没有.xlsx", "--round", world["round"].pk, "--user", "yang")
    assert code == 1 and "文件不存在" in err
    path = tmp_path / "a.xlsx"
    path.write_bytes(xlsx_bytes(sheet_rows()))
    code, _, err = run("import", path, "--round", world["round"].pk, "--user", "ghost")
    assert code == 1 and "用户不存在或已停用：ghost" in err
    other = make_round("520402001000")
    code, _, err = run("import", path, "--round", other.pk, "--user", "yang")
    assert code == 1 and f"摸排不存在（或不在该用户的范围内）：{other.pk}" in err
    with pytest.raises(CommandError):  # --user is required
        call_command("survey", "import", str(path), "--round", str(world["round"].pk), stdout=io.StringIO(), stderr=io.StringIO())


def test_blank_writes_the_sheet(world, tmp_path):
    out_path = tmp_path / "空白摸底表.xlsx"
    code, out, _ = run("blank", world["round"].pk, out_path)
    assert code == 0 and out.strip() == str(out_path)
    sheet = load_workbook(out_path).worksheets[0]
    assert sheet["A1"].value == "冬季入户走访摸底表" and sheet["E3"].value == "户主身份证号"
    assert run("blank", world["round"].pk, tmp_path / "没有这个目录" / "a.xlsx")[0] == 1
