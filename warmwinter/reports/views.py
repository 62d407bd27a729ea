from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from warmwinter.reports.selectors import HazardCards, SurveyCards, hazard_cards, home_counts, survey_cards


def coverage_chart(cards: SurveyCards | None) -> dict | None:
    """Coverage per region one level down, for the most recent open round (an ECharts bar chart)."""
    if not cards or not cards.rounds:
        return None
    latest = cards.rounds[0]
    rows = latest.rows
    return {
        "title": _("%(round)s · %(region)s 各单位摸排覆盖率") % {"round": latest.round.name, "region": latest.coverage.region.name},
        "series": _("摸排覆盖率（%）"), "names": [r.name or r.code for r in rows],
        "rates": [r.coverage_rate or 0 for r in rows], "surveyed": [r.surveyed for r in rows], "units": [r.units for r in rows],
        "height": max(220, 34 * len(rows) + 80),  # horizontal bars: long unit names stay readable at 360 px
    }


def hazard_chart(cards: HazardCards | None) -> dict | None:
    """Hazards by state (an ECharts doughnut); nothing to draw when the list is empty."""
    if not cards:
        return None
    items = [{"name": label, "value": n, "state": state} for state, label, n in cards.by_state if n]
    return {"title": _("问题清单按状态"), "series": _("问题数"), "items": items} if items else None


@login_required
def home_view(request):
    surveys = survey_cards(user=request.user)
    hazards = hazard_cards(user=request.user)
    return render(request, "reports/home.html", {
        "counts": home_counts(user=request.user), "surveys": surveys, "hazards": hazards,
        "coverage_chart": coverage_chart(surveys), "hazard_chart": hazard_chart(hazards),
    })
