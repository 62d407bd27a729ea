"""Bench data for survey_coverage.py: a fresh bench database and a county written with bulk SQL."""

from __future__ import annotations

import os
import random
import sys
import time
from array import array
from datetime import date, datetime, timedelta, timezone as dt_timezone
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COUNTY = "520402000000"
COUNTY_PREFIX = "520402"
TOWNSHIPS, VILLAGES = 25, 15
ROUND_START = date(2026, 11, 1)
TODAY = date(2026, 11, 20)  # "today" for overdue: fixed, so runs compare
DEFAULT_URL = "sqlite:////tmp/ww_bench_survey/bench.sqlite3"
BATCH = 50_000

HAZARD_STATES = [("closed", 45), ("rectifying", 20), ("identified", 15), ("warned", 5), ("escalated", 5),
                 ("rectified", 5), ("verified", 5)]
CATEGORIES = ["heating_missing", "coal_low", "co_risk", "fire_risk", "house_danger", "wiring", "water", "cold_supplies"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华玉萍红"


# --- the database -----------------------------------------------------------------------------


def prepare_database(url: str, reuse: bool) -> None:
    """Point Django at a fresh (or, with --reuse, the existing) bench database."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/") if parsed.scheme.startswith("postgres") else parsed.path
    if "bench" not in name:
        raise SystemExit(f"refusing {url}: the benchmark drops and refills its database; its name must contain 'bench'")
    if parsed.scheme.startswith("postgres"):
        import psycopg

        if not reuse:
            admin = parsed._replace(path="/postgres").geturl()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
    elif not reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
    os.environ["WARMWINTER_DATABASE_URL"] = url
    os.environ.setdefault("WARMWINTER_VAR_DIR", "/tmp/ww_bench_survey/var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "warmwinter.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def columns_of(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def bulk_write(model, rows) -> int:
    """Write row tuples (in the model's column order) with COPY (PostgreSQL) or executemany (SQLite)."""
    from django.db import connection

    table, cols = model._meta.db_table, columns_of(model)
    n = 0
    if is_postgres():
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f'COPY "{table}" ({", ".join(cols)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        return n
    sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'
    raw = connection.connection
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            raw.executemany(sql, batch)
            n += len(batch)
            batch.clear()
    if batch:
        raw.executemany(sql, batch)
        n += len(batch)
    return n


def stamp(value):
    """A value as the backend stores it: SQLite gets Django's text forms, PostgreSQL the Python objects."""
    if is_postgres():
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.astimezone(dt_timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- the data ---------------------------------------------------------------------------------


def region_tree() -> list[str]:
    """The county, its townships and villages (regions written with the ORM: a few hundred rows). Village codes."""
    from warmwinter.regions.models import Region

    top = [("520000000000", "贵州省", 1, None), ("520400000000", "安顺市", 2, "520000000000"), (COUNTY, "西秀区（基准）", 3, "520400000000")]
    for code, name, level, parent in top:
        Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    townships, villages = [], []
    for t in range(1, TOWNSHIPS + 1):
        code = f"{COUNTY_PREFIX}{t:03d}000"
        townships.append(Region(code=code, name=f"第{t:02d}街道", level=4, parent_id=COUNTY))
        for v in range(1, VILLAGES + 1):
            villages.append(Region(code=f"{COUNTY_PREFIX}{t:03d}{v:03d}", name=f"第{t:02d}街道第{v:02d}村", level=5, parent_id=code))
    Region.objects.bulk_create(townships)
    Region.objects.bulk_create(villages)
    return [v.code for v in villages]


def load(n: int, seed: int = 11) -> dict:
    """Households, persons, one round's answer sheets and their hazards; returns counts and the round."""
    from django.db import connection, transaction

    from warmwinter.hazards.models import Hazard
    from warmwinter.registry.models import Household, Person
    from warmwinter.surveys.models import SurveyResponse, SurveyRound, SurveyTemplate

    rng = random.Random(seed)
    template = SurveyTemplate.objects.filter(code="p6-visit-checklist").order_by("-version").first()
    villages = region_tree()
    weights = [rng.uniform(0.5, 1.5) for _ in villages]
    round_ = SurveyRound.objects.create(
        template=template, region_id=COUNTY, name="冬季取暖摸排（基准）", starts_on=ROUND_START, ends_on=ROUND_START + timedelta(days=7),
        report_deadline=datetime(2026, 11, 8, 4, 0, tzinfo=dt_timezone.utc))
    base = datetime(2026, 11, 1, 1, 0, tzinfo=dt_timezone.utc)
    created = stamp(base)
    counts: dict[str, int] = {}
    # Per household, kept compact for the later passes: village index, status, members, alive members.
    village_of = array("H", rng.choices(range(len(villages)), weights=weights, k=n))
    status_of = bytearray(rng.choices((0, 1, 2), weights=(97, 2, 1), k=n))  # active, moved, closed
    members_of = bytearray(rng.choices((1, 2, 2, 3, 3, 4), k=n))
    alive_of = bytearray(n)
    statuses = ("active", "moved", "closed")

    def households():
        for i in range(n):
            yield (i + 1, villages[village_of[i]], f"H{i + 1:07d}", "", None, "", "unknown", "unknown", "", "", statuses[status_of[i]],
                   created, created, 1)

    def persons():
        pk = 0
        for i in range(n):
            alive = 0
            for m in range(members_of[i]):
                pk += 1
                living = rng.random() >= 0.03
                alive += living
                yield (pk, i + 1, villages[village_of[i]], rng.choice(SURNAMES) + rng.choice(GIVEN), "", "", "M" if pk % 2 else "F",
                       None, "", None, "", "", "head" if m == 0 else "other", "", stamp(living), None, "", created, created, 1)
            alive_of[i] = alive

    surveyed = array("I")  # response id -> household index

    def responses():
        pk = 0
        for i in range(n):
            if rng.random() >= 0.70:
                continue
            pk += 1
            surveyed.append(i)
            visited = base + timedelta(minutes=rng.randrange(0, 60 * 24 * 9))
            covered = alive_of[i] if rng.random() < 0.8 else rng.randint(0, alive_of[i])
            leaflet = None if rng.random() < 0.05 else rng.random() < 0.95
            education = None if rng.random() < 0.05 else rng.random() < 0.90
            late = rng.random() < 0.10
            yield (pk, round_.pk, template.pk, "survey", villages[village_of[i]], i + 1, None, None, "", stamp(visited), "{}",
                   covered, stamp(leaflet) if leaflet is not None else None,
                   stamp(education) if education is not None else None, "", "page", None, stamp(late), stamp(visited), stamp(visited), 1)

    state_names = [s for s, w in HAZARD_STATES]
    state_weights = [w for s, w in HAZARD_STATES]

    def hazards():
        pk = 0
        for response_id, i in enumerate(surveyed, start=1):
            if rng.random() >= 1 / 7:
                continue
            pk += 1
            found = base + timedelta(minutes=rng.randrange(0, 60 * 24 * 9))
            deadline = None if rng.random() < 0.01 else (found + timedelta(days=7)).date()
            state = rng.choices(state_names, weights=state_weights)[0]
            closed = found + timedelta(hours=rng.randrange(1, 24 * 14)) if state == "closed" else None
            yield (pk, villages[village_of[i]], i + 1, None, rng.choice(CATEGORIES), "major" if rng.random() < 0.05 else "general",
                   "基准问题", "", "survey", response_id, "bench", state, "", "", stamp(deadline) if deadline else None, None,
                   stamp(found), None, None, None, stamp(closed) if closed else None, 0, stamp(found), 1)

    with transaction.atomic():
        for name, model, rows in (("households", Household, households), ("persons", Person, persons),
                                  ("responses", SurveyResponse, responses), ("hazards", Hazard, hazards)):
            started = time.perf_counter()
            counts[name] = bulk_write(model, rows())
            print(f"  {name}: {counts[name]:,} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    with connection.cursor() as cursor:
        if is_postgres():
            for model in (Household, Person, SurveyResponse, Hazard):
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    analyze()
    return {"round": round_.pk, **counts}


def analyze() -> None:
    """Fresh planner statistics (both sides of the comparison profit alike)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
