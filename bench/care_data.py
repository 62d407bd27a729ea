"""Bench data for care_compliance.py: a county's key-focus roster, helpers and pairings, contacts and
weather-warning visit duties, written straight into the tables with bulk SQL (no services, no audit).

The county and its villages come from survey_data.region_tree (25 townships x 15 villages of 520402).
Contacts start on the plan-6 campaign's first day (Monday 2026-12-21) and run for --weeks weeks;
"today" is the Monday after the last of them, so every week measured is over.
"""

from __future__ import annotations

import random
import sys
import time
from array import array
from datetime import date, datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo

from survey_data import COUNTY, COUNTY_PREFIX, GIVEN, SURNAMES, analyze, is_postgres, region_tree, stamp  # noqa: F401

CAMPAIGN_START = date(2026, 12, 21)  # plan 6: 12-21 -> 02-28, ten weeks
CAMPAIGN_END = date(2027, 2, 28)
LOCAL = ZoneInfo("Asia/Shanghai")
BATCH = 50_000

# Kinds of roster household (share), and how many contacts each gets in a week.
NO_HELPER, DAILY, DILIGENT, SPORADIC = range(4)
KIND_WEIGHTS = (5, 2, 68, 25)
WEEKLY_COUNTS = {NO_HELPER: ((0, 1), (70, 30)), DILIGENT: ((2, 3, 4, 5), (10, 70, 15, 5)), SPORADIC: ((0, 1, 2), (35, 35, 30))}
SLOTS = 13 * 4  # quarter hours from 08:00 to 20:45 local
ALERT_TOWNSHIPS = 5  # each warning covers this many townships
DUTY_STATES = (("done", 88), ("ended", 8), ("missed", 4))


def today_after(weeks: int) -> date:
    return CAMPAIGN_START + timedelta(weeks=weeks)


def _utc_text(moment: datetime) -> str:
    """A timestamp as both backends accept it in bulk: SQLite's Django text form, or ISO with offset for COPY."""
    utc = moment.astimezone(dt_timezone.utc)
    return utc.strftime("%Y-%m-%d %H:%M:%S+00") if is_postgres() else utc.strftime("%Y-%m-%d %H:%M:%S")


def bulk_rows(table: str, columns: list[str], rows) -> int:
    """Write row tuples into `table` (COPY on PostgreSQL, executemany in batches on SQLite)."""
    from django.db import connection

    n = 0
    if is_postgres():
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        return n
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
    raw, batch = connection.connection, []
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


def secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes of `table` that no constraint owns, to drop before a load."""
    from django.db import connection

    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = %s "
                           "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [table])
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL", [table])
        return list(cursor.fetchall())


class Loader:
    """Generates and writes one county's helping-contact data; the per-household facts stay in compact arrays."""

    def __init__(self, households: int, weeks: int, seed: int = 23):
        self.n, self.weeks, self.rng = households, weeks, random.Random(seed)
        self.today = today_after(weeks)
        self.counts: dict[str, int] = {}
        self.created = _utc_text(datetime(2026, 12, 18, 9, 0, tzinfo=LOCAL))
        days = weeks * 7
        # Precomputed text of every (day, quarter-hour) a contact can have, and each day's local date and Monday.
        self.moments = [[_utc_text(datetime.combine(CAMPAIGN_START + timedelta(days=d), datetime.min.time(), LOCAL)
                                   + timedelta(hours=8, minutes=15 * s)) for s in range(SLOTS)] for d in range(days)]
        self.dates = [(CAMPAIGN_START + timedelta(days=d)).isoformat() for d in range(days)]
        self.mondays = [(CAMPAIGN_START + timedelta(days=d - d % 7)).isoformat() for d in range(days)]

    def run(self) -> dict:
        from django.db import connection, transaction

        from warmwinter.alerts.models import WeatherAlert
        from warmwinter.care.models import CareCampaign

        villages = region_tree()
        rng = self.rng
        weights = [rng.uniform(0.5, 1.5) for _ in villages]
        n = self.n
        self.villages = villages
        self.village_of = array("H", rng.choices(range(len(villages)), weights=weights, k=n))
        self.kind_of = bytearray(rng.choices(range(4), weights=KIND_WEIGHTS, k=n))
        self.campaign = CareCampaign.objects.create(
            region_id=COUNTY, name="帮扶联系（基准）", filing_deadline=date(2026, 12, 20), starts_on=CAMPAIGN_START,
            ends_on=CAMPAIGN_END, roster_categories=["dibao", "tekun_dispersed", "severe_mental_disorder"])
        self.alerts = [WeatherAlert.objects.create(
            identifier=f"bench-{w}", sent=self._onset(w), event="cold_wave", colour=2, onset=self._onset(w),
            expires=self._onset(w) + timedelta(hours=48), state="expired", ended_at=self._onset(w) + timedelta(hours=48))
            for w in range(self.weeks)]
        self._helpers_per_village()
        if is_postgres():
            with connection.cursor() as cursor:  # like pg_restore --disable-triggers: the rows are consistent by construction
                cursor.execute("SET session_replication_role = replica")
        else:
            connection.connection.execute("PRAGMA foreign_keys = OFF")
        dropped = secondary_indexes("care_contact")
        with connection.cursor() as cursor:
            for name, _sql in dropped:
                cursor.execute(f'DROP INDEX "{name}"')
        with transaction.atomic():
            for name, table, columns, rows in self._tables():
                started = time.perf_counter()
                self.counts[name] = bulk_rows(table, columns, rows)
                print(f"  {name}: {self.counts[name]:,} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for _name, sql in dropped:
                cursor.execute(sql)
            if is_postgres():
                cursor.execute("SET session_replication_role = DEFAULT")
                for table in ("registry_household", "care_helper", "care_rosterentry", "care_helperassignment", "care_contact",
                              "care_visitduty"):
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            else:
                connection.connection.execute("PRAGMA foreign_keys = ON")
        print(f"  contact indexes rebuilt in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        started = time.perf_counter()
        if is_postgres():  # what autovacuum does after a load: statistics and the visibility map (index-only scans)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        else:
            analyze()
        print(f"  vacuum / analyze in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        return {"campaign": self.campaign.pk, **self.counts}

    def _onset(self, week: int) -> datetime:
        """One cold wave a week, on Tuesday 18:00 local."""
        return datetime.combine(CAMPAIGN_START + timedelta(weeks=week, days=1), datetime.min.time(), LOCAL) + timedelta(hours=18)

    def _helpers_per_village(self) -> None:
        """一帮多: one helper for about every 15 roster households of a village (at least 2)."""
        per_village = [0] * len(self.villages)
        for v in self.village_of:
            per_village[v] += 1
        self.helper_base, self.helpers_in = array("I"), array("I")
        next_id = 1
        for count in per_village:
            self.helper_base.append(next_id)
            self.helpers_in.append(max(2, count // 15))
            next_id += self.helpers_in[-1]
        self.helper_total = next_id - 1
        self.primary_of = array("I", bytes(4 * self.n))  # 0 = no active primary helper
        seen = [0] * len(self.villages)
        for i in range(self.n):
            v = self.village_of[i]
            if self.kind_of[i] != NO_HELPER:
                self.primary_of[i] = self.helper_base[v] + seen[v] % self.helpers_in[v]
            seen[v] += 1

    def _tables(self):
        from warmwinter.care.models import Contact, HelperAssignment, RosterEntry, VisitDuty
        from warmwinter.registry.models import Household

        household_cols = ["id", "region_id", "number", "address", "head_id", "phone", "housing_condition", "heating_method",
                          "bank_account_protected", "bank_account_tail", "status", "created_at", "updated_at", "version"]
        yield "households", Household._meta.db_table, household_cols, self._households()
        yield "helpers", "care_helper", ["id", "region_id", "name", "phone", "kind", "position", "user_id", "active", "version"], \
            self._helpers()
        yield "roster", RosterEntry._meta.db_table, ["id", "campaign_id", "household_id", "region_id", "source", "categories", "reason",
                                                     "active", "weekly_contacts", "daily_contact", "visit_hours", "added_by_id",
                                                     "added_at", "removed_at", "removed_reason"], self._roster()
        yield "pairings", HelperAssignment._meta.db_table, ["id", "entry_id", "helper_id", "role", "active", "assigned_by_id",
                                                            "assigned_at", "ended_at"], self._pairings()
        yield "contacts", Contact._meta.db_table, ["id", "campaign_id", "household_id", "region_id", "helper_id", "recorded_by_id",
                                                   "channel", "contacted_at", "local_date", "week_start", "answers", "notes",
                                                   "solved_on_spot", "photo", "latitude", "longitude", "client_id", "fingerprint",
                                                   "created_at"], self._contacts()
        yield "duties", VisitDuty._meta.db_table, ["id", "alert_id", "campaign_id", "household_id", "region_id", "issued_at", "due_by",
                                                   "status", "contact_id", "closed_at"], self._duties()

    def _households(self):
        active, created = "active", self.created
        for i in range(self.n):
            yield (i + 1, self.villages[self.village_of[i]], f"H{i + 1:07d}", "", None, "", "unknown", "unknown", "", "", active,
                   created, created, 1)

    def _helpers(self):
        rng = self.rng
        for v, code in enumerate(self.villages):
            for k in range(self.helpers_in[v]):
                yield (self.helper_base[v] + k, code, rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                       f"139{self.helper_base[v] + k:08d}", "two_committees" if k % 3 else "party_member", "", None, stamp(True), 1)

    def _roster(self):
        """Every household is on the roster; 1 % were taken off again, 3 % owe 2 contacts a week instead of 3."""
        rng, campaign, created = self.rng, self.campaign.pk, self.created
        true, false = stamp(True), stamp(False)
        self.removed = bytearray(self.n)
        for i in range(self.n):
            kind = self.kind_of[i]
            removed = rng.random() < 0.01
            self.removed[i] = removed
            categories = '["severe_mental_disorder"]' if kind == DAILY else '["dibao"]'
            weekly = 2 if rng.random() < 0.03 else 3
            yield (i + 1, campaign, i + 1, self.villages[self.village_of[i]], "category", categories, "", false if removed else true,
                   weekly, true if kind == DAILY else false, 24, None, created, created if removed else None, "迁出" if removed else "")

    def _pairings(self):
        """An active primary for 95 %, a backup for 30 % of those; 4 % had an earlier primary who was relieved."""
        rng, created = self.rng, self.created
        true, false = stamp(True), stamp(False)
        pk = 0
        for i in range(self.n):
            v, primary = self.village_of[i], self.primary_of[i]
            others = self.helpers_in[v]
            if rng.random() < 0.04:
                pk += 1
                yield (pk, i + 1, self.helper_base[v] + rng.randrange(others), "primary", false, None, created, created)
            if primary:
                pk += 1
                yield (pk, i + 1, primary, "primary", true, None, created, None)
                if rng.random() < 0.30:
                    pk += 1
                    backup = self.helper_base[v] + (primary - self.helper_base[v] + 1) % others
                    yield (pk, i + 1, backup, "backup", true, None, created, None)

    def _contacts(self):
        rng, campaign, moments, dates, mondays = self.rng, self.campaign.pk, self.moments, self.dates, self.mondays
        choices, randrange, sample, rand = rng.choices, rng.randrange, rng.sample, rng.random
        pk = 0
        for i in range(self.n):
            kind, region, household = self.kind_of[i], self.villages[self.village_of[i]], i + 1
            helper = self.primary_of[i] or None
            for week in range(self.weeks):
                if kind == DAILY:  # most days, now and then twice
                    days = [d for d in range(7) if rand() < 0.93]
                    days += [d for d in days if rand() < 0.1]
                else:
                    counts, weights = WEEKLY_COUNTS[kind]
                    days = sample(range(7), choices(counts, weights)[0])
                for d in days:
                    day = week * 7 + d
                    pk += 1
                    when = moments[day][randrange(SLOTS)]
                    yield (pk, campaign, household, region, helper, None, "visit" if rand() < 0.4 else "phone", when, dates[day],
                           mondays[day], "{}", "", "", "", None, None, None, "", when)

    def _duties(self):
        """Each week's cold wave covers 5 townships: a visit within 24 h for each of their roster households."""
        rng, campaign = self.rng, self.campaign.pk
        names, weights = [s for s, _w in DUTY_STATES], [w for _s, w in DUTY_STATES]
        townships = sorted({code[:9] for code in self.villages})
        pk = 0
        for week, alert in enumerate(self.alerts):
            covered = set(rng.sample(townships, ALERT_TOWNSHIPS))
            issued = alert.onset
            due = issued + timedelta(hours=24)
            issued_text, due_text, end_text = _utc_text(issued), _utc_text(due), _utc_text(issued + timedelta(hours=48))
            for i in range(self.n):
                region = self.villages[self.village_of[i]]
                if region[:9] not in covered or self.removed[i]:
                    continue
                pk += 1
                state = rng.choices(names, weights)[0]
                closed = {"done": _utc_text(issued + timedelta(hours=rng.randrange(1, 24))), "ended": end_text, "missed": due_text}[state]
                yield (pk, alert.pk, campaign, i + 1, region, issued_text, due_text, state, None, closed)
