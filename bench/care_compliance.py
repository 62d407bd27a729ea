"""Weekly contact compliance at scale (issue 5, "Done when"): 1 M roster households, 10 M contacts.

    python bench/care_compliance.py [--households 1000000] [--weeks 4] [--database-url postgres://postgres@127.0.0.1:5432/ww_bench_care]

Builds a county of 25 townships x 15 villages in a fresh, migrated database (never the dev
database: the name must contain "bench"), then writes straight into the tables with bulk SQL
(PostgreSQL COPY, SQLite executemany; no services, no audit; care_contact's secondary indexes
are dropped for the load and rebuilt after it):

    N households, all on one campaign's key-focus roster (1 % taken off again, 3 % owing 2 contacts
    a week instead of 3, 2 % with a daily rule); one helper per ~15 households of a village, an
    active primary helper for 95 % (a backup for 30 % of those, an earlier relieved primary for 4 %);
    contacts from the campaign's first day (2026-12-21) for --weeks weeks: ~3 a week for 68 % of the
    households, 0-2 for 25 %, 0-1 for the 5 % without a helper, most days for the daily ones
    (4 weeks at 1 M households: ~10 M contacts); one cold wave a week over 5 townships with a
    24-hour home-visit duty for each of their households (88 % done, 8 % ended, 4 % missed).

It then times, best of --runs, interleaved on one connection (raw, ours, raw, ours ...):

    compliance      care.selectors.compliance(campaign, county, week)         (Python roll-up included)
    compliance_raw  a hand-written GROUP BY of the same per-village figures
    helpers         care.selectors.compliance_by_helper(campaign, county, week)
    helpers_raw     the same per helper, by hand

checks that both sides agree village by village and helper by helper, and prints a table and, as
the last line, one JSON object with the seconds, the ratios (target <= 1.5), the load time and the
machine. --explain prints the plans; --reuse keeps a database already loaded with --households;
--correlated also times, once, the same figures as a GROUP BY over `entries_with_compliance`
(one correlated subquery per household and figure), as `compliance` counted before.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("WARMWINTER_VAR_DIR", "/tmp/ww_bench_care/var")
from care_data import COUNTY, COUNTY_PREFIX, Loader, is_postgres, today_after  # noqa: E402
from survey_coverage import _print_plan, machine, server_version  # noqa: E402
from survey_data import prepare_database  # noqa: E402

DEFAULT_URL = "sqlite:////tmp/ww_bench_care/bench.sqlite3"


# --- the hand-written SQL -----------------------------------------------------------------------


def raw_sql(campaign_id: int, monday: date, today: date) -> dict[str, str]:
    """The GROUP BYs a DBA would write for the week's figures: per village, and per primary helper."""
    from django.utils import timezone

    from warmwinter.care.models import CareCampaign
    from warmwinter.care.quota import day_bounds, week_frame

    campaign = CareCampaign.objects.get(pk=campaign_id)
    frame = week_frame(monday, campaign.starts_on, campaign.ends_on, today=today)
    pg = is_postgres()
    true = "TRUE" if pg else "1"
    start, end = (day_bounds(monday)[0], day_bounds(monday + timedelta(days=6))[1])

    def moment(value) -> str:  # as each backend stores it: timestamptz, or Django's UTC text on SQLite
        utc = value.astimezone(timezone.get_fixed_timezone(0))
        return f"'{utc:%Y-%m-%d %H:%M:%S}+00'" if pg else f"'{utc:%Y-%m-%d %H:%M:%S}'"

    def count_if(cond: str) -> str:
        return f"COUNT(*) FILTER (WHERE {cond})" if pg else f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)"

    first, last = frame.campaign_days[0], frame.campaign_days[-1]
    over = f"'{frame.ended_days[-1]}'" if frame.ended_days else "NULL"
    least = "LEAST" if pg else "MIN"
    week = (f"SELECT household_id, COUNT(*) AS n, COUNT(DISTINCT CASE WHEN local_date <= {over} THEN local_date END) AS days "
            f"FROM care_contact WHERE campaign_id = {campaign_id} AND week_start = '{monday}' "
            f"AND local_date BETWEEN '{first}' AND '{last}' GROUP BY household_id")
    missed = (f"SELECT DISTINCT household_id FROM care_visitduty WHERE campaign_id = {campaign_id} "
              f"AND due_by >= {moment(start)} AND due_by < {moment(end)} "
              f"AND (status = 'missed' OR (status = 'open' AND due_by < {moment(timezone.now())}))")
    met = (f"a.id IS NOT NULL AND COALESCE(c.n, 0) >= {least}(r.weekly_contacts, {len(frame.campaign_days)}) "
           f"AND (r.daily_contact = {'FALSE' if pg else '0'} OR COALESCE(c.days, 0) >= {frame.daily_required}) AND m.household_id IS NULL")
    joins = (f"LEFT JOIN ({week}) c ON c.household_id = r.household_id "
             f"LEFT JOIN ({missed}) m ON m.household_id = r.household_id")
    where = f"r.campaign_id = {campaign_id} AND r.active = {true} AND r.region_id LIKE '{COUNTY_PREFIX}%'"
    primary = f"a.entry_id = r.id AND a.active = {true} AND a.role = 'primary'"
    return {
        "compliance": (f"SELECT r.region_id, COUNT(*), {count_if(met)}, {count_if('a.id IS NULL')} FROM care_rosterentry r "
                       f"LEFT JOIN care_helperassignment a ON {primary} {joins} WHERE {where} GROUP BY r.region_id"),
        "helpers": (f"SELECT a.helper_id, h.name, h.region_id, COUNT(*), {count_if(met)} FROM care_rosterentry r "
                    f"JOIN care_helperassignment a ON {primary} JOIN care_helper h ON h.id = a.helper_id {joins} "
                    f"WHERE {where} GROUP BY a.helper_id, h.name, h.region_id"),
    }


def run_raw(sql: str) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


# --- timing -------------------------------------------------------------------------------------


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def measure(campaign_id: int, monday: date, today: date, runs: int) -> dict:
    from warmwinter.care import selectors
    from warmwinter.care.models import CareCampaign

    campaign = CareCampaign.objects.get(pk=campaign_id)
    sql = raw_sql(campaign_id, monday, today)
    results: dict[str, dict] = {}
    for name, ours in (("compliance", lambda: selectors.compliance(campaign, COUNTY, monday, today=today)),
                       ("helpers", lambda: selectors.compliance_by_helper(campaign, COUNTY, monday, today=today))):
        ours_times, raw_times, ours_result, raw_result = [], [], None, None
        for _ in range(runs):
            t, raw_result = timed(lambda: run_raw(sql[name]))
            raw_times.append(t)
            t, ours_result = timed(ours)
            ours_times.append(t)
        results[name] = {"ours_s": min(ours_times), "raw_s": min(raw_times), "ours_runs": ours_times, "raw_runs": raw_times,
                         "ratio": min(ours_times) / min(raw_times), "totals": check(name, ours_result, raw_result)}
    return results


def correlated(campaign_id: int, monday: date, today: date) -> tuple[float, tuple]:
    """The per-village figures as one GROUP BY over `entries_with_compliance` (a correlated subquery per
    household and figure): how `compliance` counted before it joined grouped subqueries."""
    from django.db.models import Case, Count, IntegerField, Sum, Value, When

    from warmwinter.care import selectors
    from warmwinter.care.models import CareCampaign
    from warmwinter.care.quota import week_frame

    campaign = CareCampaign.objects.get(pk=campaign_id)
    frame = week_frame(monday, campaign.starts_on, campaign.ends_on, today=today)
    rows = (selectors.entries_with_compliance(campaign, COUNTY_PREFIX, frame).order_by().values("region_id")
            .annotate(households=Count("id"), compliant=Sum("met"),
                      without=Sum(Case(When(has_helper=False, then=Value(1)), default=Value(0), output_field=IntegerField()))))
    seconds, found = timed(lambda: list(rows))
    return seconds, (sum(r["households"] for r in found), sum(r["compliant"] for r in found), sum(r["without"] for r in found))


def check(name: str, ours, raw: list[tuple]) -> dict:
    """Both sides count the same things, row by row; returns the totals."""
    if name == "compliance":
        got = {v.code: (v.households, v.compliant, v.without_helper) for v in ours.villages}
        want = {code: (n, int(met or 0), int(without or 0)) for code, n, met, without in raw}
        t = ours.total
        totals = {"households": t.households, "compliant": t.compliant, "compliance_rate": t.rate, "without_helper": t.without_helper,
                  "villages": len(ours.villages), "townships": len(ours.children)}
    else:
        got = {r["helper"]: (r["name"], r["village"], r["households"], r["compliant"]) for r in ours}
        want = {pk: (name_, village, n, int(met or 0)) for pk, name_, village, n, met in raw}
        totals = {"helpers": len(ours), "households": sum(r["households"] for r in ours), "compliant": sum(r["compliant"] for r in ours)}
    if got != want:
        wrong = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))[:5]
        raise SystemExit(f"{name}: the selector and the raw SQL disagree on {len(wrong)}+ rows, e.g. "
                         + "; ".join(f"{k}: {got.get(k)} != {want.get(k)}" for k in wrong))
    return totals


def explain(campaign_id: int, monday: date, today: date) -> None:
    """Plans of our queries (captured while they run) and of the hand-written ones."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from warmwinter.care import selectors
    from warmwinter.care.models import CareCampaign

    campaign = CareCampaign.objects.get(pk=campaign_id)
    prefix = "EXPLAIN ANALYZE " if is_postgres() else "EXPLAIN QUERY PLAN "
    for label, fn in (("compliance", lambda: selectors.compliance(campaign, COUNTY, monday, today=today)),
                      ("compliance_by_helper", lambda: selectors.compliance_by_helper(campaign, COUNTY, monday, today=today))):
        with CaptureQueriesContext(connection) as captured:
            fn()
        for query in captured.captured_queries:
            print(f"\n-- ours ({label}, {float(query['time']):.3f} s): {query['sql'][:3000]}")
            if query["sql"].lstrip().upper().startswith("SELECT"):
                _print_plan(prefix + query["sql"])
    for label, sql in raw_sql(campaign_id, monday, today).items():
        print(f"\n-- raw ({label}): {sql}")
        _print_plan(prefix + sql)


# --- the run ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--weeks", type=int, default=4, help="weeks of contacts from the campaign's first day (default 4)")
    parser.add_argument("--week", default="", help="the ISO week to measure, YYYY-Www (default: the last week with contacts)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
                        help=f"a database whose name contains 'bench' (default {DEFAULT_URL})")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the data already loaded (same --households and --weeks)")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--correlated", action="store_true", help="also time (once) the GROUP BY over entries_with_compliance")
    args = parser.parse_args()

    if args.database_url.startswith("sqlite:"):
        Path(args.database_url.split("sqlite:///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    prepare_database(args.database_url, args.reuse)
    from warmwinter.care.models import CareCampaign, Contact
    from warmwinter.care.quota import parse_week
    from warmwinter.registry.models import Household

    loaded = None
    if args.reuse and Household.objects.count() == args.households:
        campaign_id = CareCampaign.objects.filter(region_id=COUNTY).values_list("pk", flat=True).first()
        print(f"reusing {args.households:,} households", file=sys.stderr)
    else:
        if args.reuse:
            raise SystemExit("--reuse: the database does not hold --households households; run without --reuse")
        started = time.perf_counter()
        loaded = Loader(args.households, args.weeks).run()
        loaded["load_s"] = round(time.perf_counter() - started, 1)
        campaign_id = loaded["campaign"]
        print(f"loaded in {loaded['load_s']} s", file=sys.stderr)
    today = today_after(args.weeks)
    monday = parse_week(args.week) if args.week else today - timedelta(days=7)
    if args.explain:
        explain(campaign_id, monday, today)
    results = measure(campaign_id, monday, today, args.runs)
    database, box = server_version(), machine()
    week_contacts = Contact.objects.filter(campaign_id=campaign_id, week_start=monday).count()
    print(f"\nCare compliance benchmark: {args.households:,} households, week of {monday} ({week_contacts:,} contacts that week), "
          f"{database} ({box['nproc']} cores, {box['ram']}, {box['cpu']})")
    print(f"{'query':<14}{'ours s':>10}{'raw s':>10}{'ratio':>8}   runs (ours | raw)")
    for name, r in results.items():
        runs = ", ".join(f"{t:.3f}" for t in r["ours_runs"]) + " | " + ", ".join(f"{t:.3f}" for t in r["raw_runs"])
        print(f"{name:<14}{r['ours_s']:>10.3f}{r['raw_s']:>10.3f}{r['ratio']:>8.2f}   {runs}")
    print(f"totals: {json.dumps({k: v['totals'] for k, v in results.items()}, ensure_ascii=False)}")
    if args.correlated:
        seconds, counted = correlated(campaign_id, monday, today)
        t = results["compliance"]["totals"]
        same = counted == (t["households"], t["compliant"], t["without_helper"])
        print(f"correlated    {seconds:>10.3f}   (households, compliant, without helper) = {counted}, {'same' if same else 'DIFFERENT'}")
        results["correlated"] = {"ours_s": seconds, "same": same}
    summary = {
        "households": args.households, "weeks": args.weeks, "week": str(monday), "week_contacts": week_contacts, "database": database,
        "compliance_s": round(results["compliance"]["ours_s"], 4), "compliance_raw_s": round(results["compliance"]["raw_s"], 4),
        "compliance_ratio": round(results["compliance"]["ratio"], 2),
        "helpers_s": round(results["helpers"]["ours_s"], 4), "helpers_raw_s": round(results["helpers"]["raw_s"], 4),
        "helpers_ratio": round(results["helpers"]["ratio"], 2),
        "correlated_s": round(results["correlated"]["ours_s"], 4) if "correlated" in results else None,
        "totals": {k: v["totals"] for k, v in results.items() if "totals" in v},
        "rows": {k: v for k, v in (loaded or {}).items() if k != "campaign"}, "machine": box,
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
