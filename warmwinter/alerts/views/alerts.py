"""Warning pages: the list (in force first), entering one by hand, importing a CAP file, one warning with its
areas and actions, and lifting it (解除)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from warmwinter.accounts.scoping import NOT_FOUND, can
from warmwinter.alerts import cap, selectors, services
from warmwinter.alerts.choices import AlertSource, AlertState
from warmwinter.alerts.forms import AlertForm, CapUploadForm
from warmwinter.core.errors import DomainError, Forbidden, NotFound
from warmwinter.core.forms import add_domain_error
from warmwinter.regions.codes import Level
from warmwinter.registry.selectors import regions_to_choose

# Built by `care` (the visit duties a warning issued); linked only while that page exists.
DUTY_PAGES = ("care:duty_list",)


def require(user, action: str) -> None:
    """Pages of an action the user's role never has anywhere: the same 404 as out of scope."""
    if not can(user, action):
        raise NotFound(NOT_FOUND)


def duties_url(alert) -> str | None:
    for name in DUTY_PAGES:
        try:
            return f"{reverse(name)}?alert={alert.pk}"
        except NoReverseMatch:
            continue
    return None


@login_required
@require_GET
def alert_list_view(request):
    require(request.user, "alert.view")
    state = (request.GET.get("state") or "").strip()
    if state not in ("", selectors.IN_FORCE, *AlertState.values):
        state = ""
    alerts = selectors.alerts_for(request.user, state=state).prefetch_related("areas__region")
    page = Paginator(alerts, 30).get_page(request.GET.get("page"))
    now = timezone.now()
    for alert in page:
        alert.is_in_force = alert.in_force(now)
    states = [("", _("全部")), (selectors.IN_FORCE, _("当前生效")), (AlertState.ACTIVE, _("未结束（含尚未生效）")),
              (AlertState.EXPIRED, AlertState.EXPIRED.label), (AlertState.CANCELLED, AlertState.CANCELLED.label)]
    return render(request, "alerts/alert_list.html", {
        "page": page, "state": state, "states": states, "query": f"state={state}" if state else "",
        "may_manage": can(request.user, "alert.manage"),
    })


def _recorded(request, alert, created: bool) -> None:
    if not created:
        messages.info(request, _("该预警此前已录入（编号 %(id)s），未重复记录。") % {"id": alert.identifier})
    elif alert.state == AlertState.CANCELLED:
        messages.success(request, _("已录入解除消息，所引用的预警已结束。"))
    else:
        messages.success(request, _("已录入预警，响应规则已生效。"))


def _region_error(form, field: str | None) -> None:
    form.add_error(field, _("所选区域不在您可发布预警的范围内。"))


@login_required
def alert_create_view(request):
    require(request.user, "alert.manage")
    regions = [r for r in regions_to_choose(request.user, "alert.manage") if r.level >= Level.COUNTY]
    form = AlertForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            alert = services.alert_record(actor=request.user, data=form.to_input(), source=AlertSource.MANUAL)
        except (NotFound, Forbidden):
            _region_error(form, "areas")
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            _recorded(request, alert, True)
            return redirect("alerts:detail", alert_id=alert.pk)
    return render(request, "alerts/alert_form.html", {"form": form})


@login_required
def alert_import_view(request):
    require(request.user, "alert.manage")
    form = CapUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            alert, created = cap.alert_import(actor=request.user, content=form.content(), source=AlertSource.CAP_FILE)
        except (NotFound, Forbidden):
            _region_error(form, None)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            _recorded(request, alert, created)
            try:
                return redirect("alerts:detail", alert_id=selectors.access_alert(request.user, alert.pk).pk)
            except NotFound:  # recorded long ago over areas this user does not see
                return redirect("alerts:list")
    return render(request, "alerts/alert_import.html", {"form": form})


@login_required
@require_GET
def alert_detail_view(request, alert_id: int):
    alert = selectors.access_alert(request.user, alert_id)
    return render(request, "alerts/alert_detail.html", {
        "alert": alert, "areas": selectors.areas_of(alert), "actions": selectors.actions_of(alert),
        "in_force": alert.in_force(), "may_cancel": selectors.may_cancel(request.user, alert),
        "duties_url": duties_url(alert), "raw": cap.pretty(alert.raw) if alert.raw else "",
    })


@login_required
@require_POST
def alert_cancel_view(request, alert_id: int):
    try:
        alert = selectors.access_alert_to_cancel(request.user, alert_id)
    except Forbidden as exc:
        raise PermissionDenied(str(exc.message)) from None
    try:
        services.alert_cancel(actor=request.user, alert=alert)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已解除预警，未完成的走访任务和措施已结束。"))
    return redirect("alerts:detail", alert_id=alert.pk)


urlpatterns = [
    path("", alert_list_view, name="list"),
    path("new", alert_create_view, name="create"),
    path("import", alert_import_view, name="import"),
    path("<int:alert_id>/", alert_detail_view, name="detail"),
    path("<int:alert_id>/cancel", alert_cancel_view, name="cancel"),
]
