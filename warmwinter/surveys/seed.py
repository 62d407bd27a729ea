"""The survey templates we ship, one JSON file per plan in surveys/seed/. Loading is idempotent."""

from __future__ import annotations

import json
from pathlib import Path

SEED_DIR = Path(__file__).parent / "seed"


def shipped_templates() -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(SEED_DIR.glob("*.json"))]


def seed_templates(SurveyTemplate=None) -> int:
    """Create every shipped template version that is not in the database yet; returns how many."""
    from warmwinter.surveys.schema import template_problems

    if SurveyTemplate is None:
        from warmwinter.surveys.models import SurveyTemplate
    created = 0
    for data in shipped_templates():
        problems = template_problems(data["questions"], data["rules"], data.get("params", {}))
        if problems:
            raise ValueError(f"{data['code']}: " + "; ".join(problems))
        _, made = SurveyTemplate.objects.get_or_create(
            code=data["code"], version=data["version"],
            defaults={k: data.get(k, d) for k, d in [("name", ""), ("name_en", ""), ("plan", ""), ("subject", "household"),
                                                    ("questions", []), ("rules", []), ("params", {}), ("report_sections", [])]},
        )
        created += made
    return created
