"""The alert rules (预警响应规则): everyone who sees warnings can read them; county officers and admins edit them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from warmwinter.accounts.scoping import NOT_ALLOWED, can
from warmwinter.alerts import selectors
from warmwinter.alerts.choices import AlertEvent
from warmwinter.alerts.forms import RuleForm
from warmwinter.alerts.services_rules import alert_rule_update
from warmwinter.alerts.views.alerts import require
from warmwinter.core.errors import DomainError, Forbidden
from warmwinter.core.forms import add_domain_error


@login_required
def rule_list_view(request):
    require(request.user, "alert.view")
    rules = list(selectors.rules_for(request.user))
    for rule in rules:
        rule.event_labels = [AlertEvent(e).label for e in rule.events if e in AlertEvent.values]
    return render(request, "alerts/rule_list.html", {"rules": rules, "may_manage": can(request.user, "alert_rule.manage")})


@login_required
def rule_detail_view(request, rule_id: int):
    rule = selectors.access_rule(request.user, rule_id)
    may_manage = can(request.user, "alert_rule.manage")
    if request.method == "POST" and not may_manage:
        raise PermissionDenied(str(NOT_ALLOWED))
    form = RuleForm(request.POST or None, initial=RuleForm.initial_for(rule))
    if request.method == "POST" and form.is_valid():
        try:
            alert_rule_update(actor=request.user, rule=rule, **form.cleaned_data)
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from None
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已保存规则，此后录入的预警按新规则响应。"))
            return redirect("alerts:rules")
    if not may_manage:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "alerts/rule_form.html", {"rule": rule, "form": form, "may_manage": may_manage})


urlpatterns = [
    path("rules/", rule_list_view, name="rules"),
    path("rules/<int:rule_id>/", rule_detail_view, name="rule_detail"),
]
