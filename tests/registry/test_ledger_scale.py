"""The import at scale: worker processes give the same answer, errors keep their rows,
progress is reported, and memory-hungry shapes stream."""

from __future__ import annotations

import pytest

from tests.registry.ledger_files import COL, many_rows, registry_counts, write_csv, write_xlsx
from warmwinter.registry import names
from warmwinter.registry.ledger import LedgerRejected, RowError, importer, ledger_import, parallel
from warmwinter.registry.models import Household, Person


@pytest.fixture
def workers(settings, monkeypatch):
    """Worker processes even for a small file."""
    monkeypatch.setattr(parallel, "MIN_ROWS", 0)
    monkeypatch.setattr(parallel, "BATCH_ROWS", 50)
    settings.LEDGER_IMPORT_WORKERS = 2


def test_worker_processes_import_what_one_process_would(tree, tmp_path, workers):
    path = write_csv(tmp_path / "台账.csv", many_rows(150))
    expected = ledger_import(actor=None, file_name=path.name, path=path, region_code="520402", dry_run=True)
    assert parallel.worker_count(10**6) == 2
    result = ledger_import(actor=None, file_name=path.name, path=path, region_code="520402")
    persons = sum(1 + h % 4 for h in range(150))
    assert result.persons_created == expected.persons_created == persons and result.households_created == expected.households_created == 150
    assert Household.objects.count() == 150 and Person.objects.count() == persons
    for person in Person.objects.all()[:50]:
        assert person.name_pinyin == names.pinyin(person.name)
    sizes = sorted(h.members.count() for h in Household.objects.all())
    assert sizes == sorted(1 + h % 4 for h in range(150))


def test_errors_found_by_workers_keep_their_rows(tree, tmp_path, workers):
    rows = many_rows(100)
    rows[200][COL["性别"]] = "女" if rows[200][COL["性别"]] == "男" else "男"
    rows[201][COL["与户主关系"]] = "干亲"
    before = registry_counts()
    with pytest.raises(LedgerRejected) as caught:
        ledger_import(actor=None, file_name="台账.csv", path=write_csv(tmp_path / "台账.csv", rows), region_code="520402")
    assert [(e.row, e.column) for e in caught.value.errors] == [(201, "性别"), (202, "与户主关系")]
    assert registry_counts() == before


def test_progress_is_reported_while_reading(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 100)
    calls = []
    path = write_xlsx(tmp_path / "台账.xlsx", many_rows(120))
    ledger_import(actor=None, file_name=path.name, path=path, region_code="520402", progress=lambda d, t: calls.append((d, t)))
    assert calls[:3] == [(100, 300), (200, 300), (300, 300)] and calls[-1] == (300, 300)


def test_error_report_rows_stay_aligned_on_a_long_file(tree, tmp_path):
    import io

    from openpyxl import load_workbook

    from warmwinter.registry.ledger import error_report_xlsx

    rows = many_rows(200)
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    errors = [RowError(row=450, column="性别", message="示例")]
    sheet = load_workbook(io.BytesIO(error_report_xlsx(file_name=path.name, path=path, errors=errors))).worksheets[0]
    assert sheet.cell(row=450, column=COL["姓名"] + 1).value == rows[449][COL["姓名"]]
    assert sheet.cell(row=450, column=len(rows[1]) + 1).value == "性别：示例"
