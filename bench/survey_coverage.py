"""Survey coverage and hazard-rate queries at scale (issue 4, "Done when").

    python bench/survey_coverage.py [--households 1000000] [--database-url postgres://postgres@127.0.0.1:5432/ww_bench]

Builds a county of ~25 townships x ~15 villages in a fresh database (migrated, never the dev
database: the name must contain "bench"), then writes straight into the tables with bulk SQL
(PostgreSQL COPY, SQLite executemany; no services, no audit):

    N households (97 % active, 2 % moved, 1 % closed), ~2.5 N persons (3 % deceased),
    one survey round with answer sheets for ~70 % of the households (10 % late), and a
    problem found on ~1 in 7 sheets (~0.1 N hazards) in every state of the workflow.

It then times, best of --runs runs each, on the same connection:

    coverage        surveys.selectors.coverage(round, county)       (Python roll-up included)
    coverage_raw    the same three GROUP BYs written by hand (households, persons, sheets)
    hazards         surveys.selectors.hazard_rates(round, county)
    hazards_raw     the same GROUP BY written by hand

and checks that both give the same totals. Prints a table and, as the last line, one JSON
object with the seconds, the ratios (target <= 1.5) and the machine. --explain prints the
query plans of our queries and of the hand-written ones. --reuse keeps a database already
loaded with the same number of households.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from array import array
from datetime import date, datetime, timedelta, timezone as dt_timezone
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from survey_data import (prepare_database, is_postgres, columns_of, bulk_write, stamp, region_tree, load, analyze, ROOT, COUNTY, COUNTY_PREFIX, ROUND_START, TODAY, DEFAULT_URL, BATCH, HAZARD_STATES, CATEGORIES, SURNAMES, GIVEN)  # noqa: E402




# --- the hand-written SQL -----------------------------------------------------------------------


def raw_sql(round_id: int) -> dict[str, list[str]]:
    """The GROUP BYs a DBA would write for the same figures."""
    pg = is_postgres()
    like = f"'{COUNTY_PREFIX}%'"

    def count_if(cond: str) -> str:
        return f"COUNT(*) FILTER (WHERE {cond})" if pg else f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)"

    true = "TRUE" if pg else "1"
    local_date = "(hz.closed_at AT TIME ZONE 'Asia/Shanghai')::date" if pg else "date(hz.closed_at, '+8 hours')"
    closed = "hz.state = 'closed'"
    closed_on_time = f"{closed} AND (hz.deadline IS NULL OR {local_date} <= hz.deadline)"
    overdue = f"hz.state <> 'closed' AND hz.deadline < '{TODAY.isoformat()}'"
    major = "hz.severity = 'major'"
    return {
        "coverage": [
            f"SELECT region_id, COUNT(*) FROM registry_household WHERE region_id LIKE {like} AND status = 'active' GROUP BY region_id",
            f"SELECT p.region_id, COUNT(*) FROM registry_person p JOIN registry_household h ON h.id = p.household_id "
            f"WHERE p.region_id LIKE {like} AND p.alive = {true} AND h.status = 'active' GROUP BY p.region_id",
            f"SELECT r.region_id, COUNT(*), SUM(r.persons_covered), {count_if(f'r.late = {true}')}, "
            f"{count_if(f'r.leaflet_given = {true}')}, {count_if(f'r.education_given = {true}')} "
            f"FROM surveys_surveyresponse r JOIN registry_household h ON h.id = r.household_id "
            f"WHERE r.round_id = {round_id} AND r.kind = 'survey' AND r.region_id LIKE {like} AND h.status = 'active' "
            f"GROUP BY r.region_id",
        ],
        "hazards": [
            f"SELECT hz.region_id, COUNT(*), {count_if(closed)}, {count_if(closed_on_time)}, {count_if(overdue)}, {count_if(major)} "
            f"FROM hazards_hazard hz JOIN surveys_surveyresponse r ON r.id = hz.response_id "
            f"WHERE r.round_id = {round_id} AND hz.region_id LIKE {like} GROUP BY hz.region_id",
        ],
    }


def run_raw(statements: list[str]) -> list[list[tuple]]:
    from django.db import connection

    with connection.cursor() as cursor:
        results = []
        for sql in statements:
            cursor.execute(sql)
            results.append(cursor.fetchall())
        return results


# --- timing -------------------------------------------------------------------------------------


def best_of(fn, runs: int) -> tuple[float, list[float], object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), times, result


def measure(round_id: int, runs: int) -> dict:
    from warmwinter.surveys import selectors
    from warmwinter.surveys.models import SurveyRound

    round_ = SurveyRound.objects.select_related("template").get(pk=round_id)
    sql = raw_sql(round_id)
    results: dict[str, dict] = {}
    # Interleaved, so neither side gets the warmer cache: raw, ours, raw, ours ...
    for name, ours, raw in (
        ("coverage", lambda: selectors.coverage(round_, COUNTY), lambda: run_raw(sql["coverage"])),
        ("hazards", lambda: selectors.hazard_rates(round_, COUNTY, today=TODAY), lambda: run_raw(sql["hazards"])),
    ):
        ours_times, raw_times, ours_result, raw_result = [], [], None, None
        for _ in range(runs):
            _, t, raw_result = best_of(raw, 1)
            raw_times += t
            _, t, ours_result = best_of(ours, 1)
            ours_times += t
        check(name, ours_result, raw_result)
        results[name] = {"ours_s": min(ours_times), "raw_s": min(raw_times), "ours_runs": ours_times, "raw_runs": raw_times,
                         "ratio": min(ours_times) / min(raw_times)}
        results[name]["totals"] = totals(name, ours_result)
    return results


def totals(name: str, result) -> dict:
    if name == "coverage":
        t = result.total
        return {"households": t.units, "surveyed": t.surveyed, "persons": t.persons, "persons_covered": t.persons_covered,
                "late": t.late, "coverage_rate": t.coverage_rate, "villages": t.villages, "villages_complete": t.villages_complete}
    total, _children = result
    return {"found": total.found, "closed": total.closed, "closed_on_time": total.closed_on_time, "open_overdue": total.open_overdue,
            "rectification_rate": total.rectification_rate, "on_time_rate": total.on_time_rate}


def check(name: str, ours, raw: list[list[tuple]]) -> None:
    """The hand-written SQL and the selectors count the same things."""
    if name == "coverage":
        households, persons, sheets = raw
        t = ours.total
        got = (t.units, t.persons, t.surveyed, t.persons_covered, t.late, t.leaflets, t.education)
        want = (sum(r[1] for r in households), sum(r[1] for r in persons), sum(r[1] for r in sheets),
                sum(r[2] or 0 for r in sheets), sum(r[3] for r in sheets), sum(r[4] for r in sheets), sum(r[5] for r in sheets))
    else:
        (rows,) = raw
        t = ours[0]
        got = (t.found, t.closed, t.closed_on_time, t.open_overdue, t.major)
        want = tuple(sum(r[i] for r in rows) for i in range(1, 6))
    if got != want:
        raise SystemExit(f"{name}: the selector and the raw SQL disagree: {got} != {want}")


def explain(round_id: int) -> None:
    """Plans of our queries (captured while they run) and of the hand-written ones."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from warmwinter.surveys import selectors
    from warmwinter.surveys.models import SurveyRound

    round_ = SurveyRound.objects.select_related("template").get(pk=round_id)
    prefix = "EXPLAIN ANALYZE " if is_postgres() else "EXPLAIN QUERY PLAN "
    for label, fn in (("coverage", lambda: selectors.coverage(round_, COUNTY)),
                      ("hazard_rates", lambda: selectors.hazard_rates(round_, COUNTY, today=TODAY))):
        with CaptureQueriesContext(connection) as captured:
            fn()
        for query in captured.captured_queries:
            print(f"\n-- ours ({label}, {float(query['time']):.3f} s): {query['sql']}")
            _print_plan(prefix + query["sql"])
    for label, statements in raw_sql(round_id).items():
        for sql in statements:
            print(f"\n-- raw ({label}): {sql}")
            _print_plan(prefix + sql)


def _print_plan(sql: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        for row in cursor.fetchall():
            print("   ", " | ".join(str(c) for c in row))


# --- the run ------------------------------------------------------------------------------------


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
    return {"nproc": os.cpu_count(), "ram": mem, "cpu": cpu, "python": platform.python_version(),
            "load_avg_1min": round(os.getloadavg()[0], 2)}


def server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
                        help=f"a database whose name contains 'bench' (default {DEFAULT_URL})")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the data already loaded (same --households)")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args()

    prepare_database(args.database_url, args.reuse)
    from warmwinter.registry.models import Household
    from warmwinter.surveys.models import SurveyRound

    loaded = None
    if args.reuse and Household.objects.count() == args.households:
        round_id = SurveyRound.objects.filter(region_id=COUNTY).values_list("pk", flat=True).first()
        print(f"reusing {args.households:,} households", file=sys.stderr)
    else:
        if args.reuse:
            raise SystemExit("--reuse: the database does not hold --households households; run without --reuse")
        started = time.perf_counter()
        loaded = load(args.households)
        loaded["load_s"] = round(time.perf_counter() - started, 1)
        round_id = loaded["round"]
        print(f"loaded in {loaded['load_s']} s", file=sys.stderr)
    if args.explain:
        explain(round_id)
    results = measure(round_id, args.runs)
    database = server_version()
    print(f"\nSurvey coverage benchmark: {args.households:,} households, {database} "
          f"({machine()['nproc']} cores, {machine()['ram']}, {machine()['cpu']})")
    print(f"{'query':<14}{'ours s':>10}{'raw s':>10}{'ratio':>8}   runs (ours | raw)")
    for name, r in results.items():
        runs = ", ".join(f"{t:.3f}" for t in r["ours_runs"]) + " | " + ", ".join(f"{t:.3f}" for t in r["raw_runs"])
        print(f"{name:<14}{r['ours_s']:>10.3f}{r['raw_s']:>10.3f}{r['ratio']:>8.2f}   {runs}")
    print(f"totals: {json.dumps({k: v['totals'] for k, v in results.items()}, ensure_ascii=False)}")
    summary = {
        "households": args.households, "database": database,
        "coverage_s": round(results["coverage"]["ours_s"], 4), "coverage_raw_s": round(results["coverage"]["raw_s"], 4),
        "coverage_ratio": round(results["coverage"]["ratio"], 2),
        "hazards_s": round(results["hazards"]["ours_s"], 4), "hazards_raw_s": round(results["hazards"]["raw_s"], 4),
        "hazards_ratio": round(results["hazards"]["ratio"], 2),
        "rows": {k: v for k, v in (loaded or {}).items() if k != "round"}, "machine": machine(),
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
