"""Shared by the warning tests: the sample CAP messages and a clock fixed in the deployment time zone.

The samples in tests/alerts/cap/ are a day of 西秀区 (520402) warnings: a 寒潮蓝色 warning at 08:00 on
2026-11-29, a 暴雪黄色 Update at 16:00 that supersedes it (东关街道, 南街街道), and a Cancel of the
update at 10:00 the next day.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils import timezone

CAP_DIR = Path(__file__).resolve().parent / "cap"
SHANGHAI = ZoneInfo("Asia/Shanghai")
COLD_WAVE_ID = "52040241600000_20261129080000"
UPDATE_ID = "52040241600000_20261129160000"
CANCEL_ID = "52040241600000_20261130100000"
COUNTY, DONGGUAN, JINZHONG, NANJIE, PINGBA = "520402000000", "520402005000", "520402005001", "520402001000", "520403000000"


def sample(name: str) -> bytes:
    return (CAP_DIR / name).read_bytes()


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A moment of late 2026 in Asia/Shanghai."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def freeze(monkeypatch, at: datetime) -> datetime:
    monkeypatch.setattr(timezone, "now", lambda: at)
    return at


def with_field(xml: bytes, old: str, new: str) -> bytes:
    """A sample with one piece of text changed (the first occurrence), to build a variant."""
    text = xml.decode("utf-8")
    assert old in text, old
    return text.replace(old, new, 1).encode("utf-8")
