"""Ledger import benchmark (issue 3, item 7).

    python bench/registry_import.py --rows 1000000

Generates N synthetic persons in households (valid ID check digits, realistic names, the
villages of 西秀区 520402), writes them as csv and xlsx, and times on the same rows, each step
in its own process on a fresh database (peak RSS measured per step with wait4):

    pg_copy       PostgreSQL COPY of the csv into a plain table (the raw floor)
    sqlite_raw    SQLite executemany of the same rows into a plain table (the raw floor)
    pg_import     our ledger_import of the csv into PostgreSQL      (+ pg_import_xlsx)
    sqlite_import our ledger_import of the csv into SQLite          (+ sqlite_import_xlsx)
    peer          django-import-export, ModelResource on a plain model, the same csv
                  (on a subset of --peer-rows rows and extrapolated linearly; said so)

Prints a table, and as the last line one JSON object. Needs `pip install -e ".[bench]"`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

HEADER = ["序号", "户主姓名", "姓名", "与户主关系", "性别", "身份证号码", "出生日期", "联系电话", "家庭住址", "乡镇",
          "村（社区）", "人员类别", "残疾等级"]
TITLE = "西秀区困难群众台账（基准测试数据）"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳邢岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵欧阳解强丛华车冉房边辜吉饶刁瞿戚丘古米池滕晋苑邬臧畅宫来嵺苟全褚廉简娄盖符奚木穆党燕郎邸冀谈姬屠连郜晏栾郁商蒙计喻揭窦迟宇敖糜鄢冷卓花艾蓝都巩稽井练仲乐虞卞封竺冼原官衣楚佟栗匡宗应台巫鞠僖桑荆谌银扬明沙薄伏岑习胥保和蔺"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强文斌海燕金凤德明永福春梅光明玉珍小红学军德华国庆丽娟淑珍凤英桂芳秀珍小平"
RELATIONS = [("配偶", 0.9), ("子", 0.5), ("女", 0.5), ("孙子", 0.2), ("母亲", 0.15)]
CATEGORIES = [("低保", 0.18), ("特困（分散供养）", 0.03), ("留守老人", 0.04), ("残疾人", 0.03), ("留守儿童", 0.03)]
GRADES = ["一级", "二级", "三级", "四级"]


# --- data ---------------------------------------------------------------------------------

def villages() -> list[tuple[str, str]]:
    """(township name, village name) of every village of 西秀区 (village names repeat across townships)."""
    import gzip

    data = ROOT / "warmwinter" / "regions" / "data"
    with gzip.open(data / "divisions_2025.csv.gz", "rt", encoding="utf-8") as handle:
        townships = {row["code"][:9]: row["name"] for row in csv.DictReader(handle) if row["code"].startswith("520402")}
    with open(data / "villages_520402_2023.csv", encoding="utf-8") as handle:
        return [(townships.get(row["code"][:9], ""), row["name"]) for row in csv.DictReader(handle)]


def persons(n: int, seed: int = 7):
    """Rows of the ledger: households of 1–6 persons, the head first."""
    from warmwinter.registry.idnumbers import with_check_digit

    rng = random.Random(seed)
    names = villages()
    days = (date(2020, 12, 31) - date(1930, 1, 1)).days
    start = date(1930, 1, 1)
    given = [GIVEN[i:i + 1] for i in range(len(GIVEN))] + [GIVEN[i:i + 2] for i in range(0, len(GIVEN) - 1, 2)]
    i = 0
    serial = 0
    household = 0
    while i < n:
        household += 1
        size = min(n - i, rng.choice((1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6)))
        township, village = rng.choice(names)
        surname = rng.choice(SURNAMES)
        head_name = surname + rng.choice(given) + (rng.choice(given) if rng.random() < 0.5 else "")
        address = f"{village.replace('居民委员会', '').replace('村民委员会', '')}{rng.randint(1, 12)}组{rng.randint(1, 99)}号"
        phone = f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"
        for member in range(size):
            # (day, order) from the running index: unique for up to `days` x 999 persons.
            # (day, k) from the running index is unique for up to days x 499 persons; the
            # parity of the order code is the gender (odd = male).
            day, k = i % days, (i // days) % 499
            birth = start + timedelta(days=(day * 7919) % days)
            male = rng.random() < 0.5
            order = 2 * k + (1 if male else 2)
            number = with_check_digit(f"520402{birth:%Y%m%d}{order:03d}")
            if member == 0:
                name, relation = head_name, "户主"
            else:
                relation = rng.choice([r for r, w in RELATIONS for _ in range(int(w * 10))])
                name = (surname if relation in ("子", "女", "孙子") else rng.choice(SURNAMES)) + rng.choice(given)
            category, grade = "", ""
            roll = rng.random()
            acc = 0.0
            for label, weight in CATEGORIES:
                acc += weight
                if roll < acc:
                    category = label
                    grade = rng.choice(GRADES) if label == "残疾人" else ""
                    break
            serial += 1
            yield [serial, head_name, name, relation, "男" if male else "女", number, birth.isoformat(),
                   phone if member == 0 else "", address, township, village, category, grade]
            i += 1


def write_files(n: int, workdir: Path) -> tuple[Path, Path]:
    from openpyxl import Workbook

    csv_path, xlsx_path = workdir / f"ledger_{n}.csv", workdir / f"ledger_{n}.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    with open(csv_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([TITLE])
        writer.writerow(HEADER)
        sheet.append([TITLE])
        sheet.append(HEADER)
        for row in persons(n):
            writer.writerow(row)
            sheet.append(row)
    book.save(xlsx_path)
    return csv_path, xlsx_path


# --- steps (each runs in its own process) ----------------------------------------------------

def data_rows(csv_path: Path):
    with open(csv_path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader), next(reader)
        yield from reader


RAW_COLUMNS = ", ".join(f"c{i} text" for i in range(len(HEADER)))


def step_pg_copy(args) -> dict:
    import psycopg

    with psycopg.connect(args.db, autocommit=True) as conn:
        started = time.perf_counter()
        with conn.transaction():
            conn.execute(f"CREATE TABLE raw_ledger ({RAW_COLUMNS})")
            with conn.cursor() as cursor, cursor.copy("COPY raw_ledger FROM STDIN WITH (FORMAT csv)") as copy:
                with open(args.csv, "rb") as handle:
                    handle.readline(), handle.readline()  # title and header
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
        return {"seconds": time.perf_counter() - started}


def step_sqlite_raw(args) -> dict:
    import sqlite3

    conn = sqlite3.connect(args.db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(f"CREATE TABLE raw_ledger ({RAW_COLUMNS})")
    marks = ", ".join("?" * len(HEADER))
    batch = []
    for row in data_rows(Path(args.csv)):
        batch.append(row)
        if len(batch) >= 10_000:
            conn.executemany(f"INSERT INTO raw_ledger VALUES ({marks})", batch)
            batch.clear()
    if batch:
        conn.executemany(f"INSERT INTO raw_ledger VALUES ({marks})", batch)
    conn.execute("COMMIT")
    return {"seconds": time.perf_counter() - started}


def _django(db_url: str, var_dir: str) -> None:
    os.environ["WARMWINTER_DATABASE_URL"] = db_url
    os.environ["WARMWINTER_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "warmwinter.settings"
    import django

    django.setup()


def step_setup(args) -> dict:
    """Migrate a fresh database and load 西秀区 with its villages (not timed)."""
    _django(args.db, args.var)
    from django.core.management import call_command

    from warmwinter.regions import services as regions

    call_command("migrate", verbosity=0)
    regions.regions_load(root_code="520402000000")
    villages_file = ROOT / "warmwinter" / "regions" / "data" / "villages_520402_2023.csv"
    regions.regions_import(actor=None, name=villages_file.name, content=villages_file.read_bytes())
    return {}


def step_import(args) -> dict:
    _django(args.db, args.var)
    import logging

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="    %(message)s")
    from warmwinter.registry.ledger import ledger_import

    path = Path(args.file)
    started = time.perf_counter()
    result = ledger_import(actor=None, file_name=path.name, path=path, region_code="520402")
    return {"seconds": time.perf_counter() - started, "result": result.as_dict()}


def step_peer(args) -> dict:
    os.environ["PEER_DATABASE_URL"] = args.db
    os.environ["DJANGO_SETTINGS_MODULE"] = "peer.settings"
    import django

    django.setup()
    import tablib
    from django.db import connection

    from peer.models import PeerPerson
    from peer.resources import PeerResource

    with connection.schema_editor() as editor:
        editor.create_model(PeerPerson)
    lines = []
    with open(args.file, encoding="utf-8") as handle:
        handle.readline()  # the title row: django-import-export wants the header first
        for index, line in enumerate(handle):
            if index > args.limit:
                break
            lines.append(line)
    started = time.perf_counter()
    dataset = tablib.Dataset().load("".join(lines), format="csv")
    result = PeerResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(dataset), "errors": result.has_errors()}


STEPS = {"pg_copy": step_pg_copy, "sqlite_raw": step_sqlite_raw, "setup": step_setup, "import": step_import, "peer": step_peer}


# --- the run --------------------------------------------------------------------------------

def run_step(name: str, **kwargs) -> dict:
    """Run one step in a child process; its peak RSS comes from wait4 on that child alone."""
    argv = [sys.executable, __file__, "--step", name] + [f"--{k.replace('_', '-')}={v}" for k, v in kwargs.items()]
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(argv, stdout=out, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    if child.returncode != 0:
        raise SystemExit(f"step {name} failed ({child.returncode}):\n{text}")
    answer = json.loads(text.strip().splitlines()[-1])
    answer["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
    return answer


def pg_database(base: str, name: str) -> str:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    mem = ""
    try:
        kb = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    # The load average says whether something else shared the cores during the run.
    return {"nproc": os.cpu_count(), "ram": mem, "cpu": cpu, "python": platform.python_version(),
            "load_avg_15min": round(os.getloadavg()[2], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--peer-rows", type=int, default=20_000, help="subset for django-import-export (extrapolated)")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--workdir", default="")
    parser.add_argument("--skip-xlsx", action="store_true")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    for extra in ("db", "csv", "file", "var"):
        parser.add_argument(f"--{extra}", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](args)))
        return

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="ww-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    var = str(workdir / "var")
    n = args.rows
    started = time.perf_counter()
    csv_path, xlsx_path = write_files(n, workdir)
    generated = time.perf_counter() - started
    print(f"generated {n} rows in {generated:.1f} s: {csv_path} ({csv_path.stat().st_size >> 20} MiB), "
          f"{xlsx_path} ({xlsx_path.stat().st_size >> 20} MiB)", file=sys.stderr)

    steps: dict[str, dict] = {}
    steps["pg_copy"] = run_step("pg_copy", db=pg_database(args.pg, "ww_bench_raw"), csv=csv_path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{workdir / 'raw.sqlite3'}{suffix}").unlink(missing_ok=True)
    steps["sqlite_raw"] = run_step("sqlite_raw", db=workdir / "raw.sqlite3", csv=csv_path)
    kinds = [("csv", csv_path)] + ([] if args.skip_xlsx else [("xlsx", xlsx_path)])
    for database in ("pg", "sqlite"):
        for kind, path in kinds:
            if database == "pg":
                url = pg_database(args.pg, f"ww_bench_{kind}")
            else:
                target = workdir / f"ours_{kind}.sqlite3"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
                url = f"sqlite:///{target}"
            run_step("setup", db=url, var=var)
            steps[f"{database}_import{'' if kind == 'csv' else '_xlsx'}"] = run_step("import", db=url, var=var, file=path)
            print(f"{database} {kind}: {steps[f'{database}_import' + ('' if kind == 'csv' else '_xlsx')]}", file=sys.stderr)
    peer_rows = min(n, args.peer_rows)
    for database in ("sqlite", "pg"):
        url = f"sqlite:///{workdir / 'peer.sqlite3'}" if database == "sqlite" else pg_database(args.pg, "ww_bench_peer")
        if database == "sqlite":
            Path(workdir / "peer.sqlite3").unlink(missing_ok=True)
        steps[f"peer_{database}"] = run_step("peer", db=url, file=csv_path, limit=peer_rows)
    report(n, peer_rows, steps, generated)


def report(n: int, peer_rows: int, steps: dict[str, dict], generated: float) -> None:
    scale = n / peer_rows
    peer_s = steps["peer_sqlite"]["seconds"] * scale
    peer_pg_s = steps["peer_pg"]["seconds"] * scale
    ours = [k for k in steps if "_import" in k]
    summary = {
        "rows": n,
        "pg_copy_s": round(steps["pg_copy"]["seconds"], 2),
        "pg_import_s": round(steps["pg_import"]["seconds"], 2),
        "pg_import_xlsx_s": round(steps.get("pg_import_xlsx", {}).get("seconds", 0), 2) or None,
        "sqlite_raw_s": round(steps["sqlite_raw"]["seconds"], 2),
        "sqlite_import_s": round(steps["sqlite_import"]["seconds"], 2),
        "sqlite_import_xlsx_s": round(steps.get("sqlite_import_xlsx", {}).get("seconds", 0), 2) or None,
        "peer_s": round(peer_s, 2),
        "peer_pg_s": round(peer_pg_s, 2),
        "peer_rows_measured": peer_rows,
        "peer_extrapolated": peer_rows < n,
        "peak_rss_mb": max(steps[k]["peak_rss_mb"] for k in ours),
        "pg_ratio": round(steps["pg_import"]["seconds"] / steps["pg_copy"]["seconds"], 2),
        "sqlite_ratio": round(steps["sqlite_import"]["seconds"] / steps["sqlite_raw"]["seconds"], 2),
        "peer_speedup_sqlite": round(peer_s / steps["sqlite_import"]["seconds"], 1),
        "peer_speedup_pg": round(peer_pg_s / steps["pg_import"]["seconds"], 1),
        "generate_s": round(generated, 1),
        "machine": machine(),
    }
    print(f"\nLedger import benchmark: {n} rows ({machine()['nproc']} cores, {machine()['ram']}, {machine()['cpu']})")
    print(f"{'step':<22}{'seconds':>10}{'rows/s':>12}{'peak RSS MB':>14}")
    for name, step in steps.items():
        rows = step.get("rows") or (peer_rows if name.startswith("peer") else n)
        print(f"{name:<22}{step['seconds']:>10.2f}{rows / step['seconds']:>12.0f}{step['peak_rss_mb']:>14.1f}")
    if peer_rows < n:
        print(f"(django-import-export ran on the first {peer_rows} rows; its times above are for those rows, "
              f"and peer_s below is extrapolated linearly to {n} rows)")
    print(f"targets: pg import / COPY = {summary['pg_ratio']} (≤ 1.5), sqlite import / executemany = {summary['sqlite_ratio']} (≤ 1.5), "
          f"peer / ours = {summary['peer_speedup_sqlite']}× sqlite, {summary['peer_speedup_pg']}× pg (≥ 30), "
          f"peak RSS {summary['peak_rss_mb']} MB (≤ 300)")
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
