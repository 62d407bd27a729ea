"""A helper's own households: this week's contacts against the requirement, what is due today, and
open warning visits, each with a button to record a contact."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from warmwinter.care.views import reads
from warmwinter.care.views.common import care_page, require


def due_text(kind: str, value) -> str:
    """Why a household is due today, in words."""
    if kind == "warning_visit":
        return _("预警后须在 %(at)s 前入户走访") % {"at": f"{timezone.localtime(value):%m-%d %H:%M}"}
    if kind == "daily":
        return _("每日联系：今天还没有联系")
    return _("本周还差 %(n)s 次，今天须联系") % {"n": value}


@care_page
@require_GET
def mine_view(request):
    require(request.user, "care.view")
    today = timezone.localdate()
    helpers, campaigns = reads.my_households(request.user, today)
    for item in campaigns:
        for entry in item.entries:
            entry.due_texts = [due_text(kind, value) for kind, value in entry.due_reasons]
    return render(request, "care/mine.html", {"helpers": helpers, "campaigns": campaigns, "today": today})


urlpatterns = [path("mine/", mine_view, name="mine")]
