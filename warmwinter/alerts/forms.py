"""Forms of the warning pages. The rules live in alerts.services; a form only shapes the input."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from warmwinter.alerts.cap import MAX_BYTES
from warmwinter.alerts.choices import AlertEvent, Colour
from warmwinter.alerts.models import AlertRule
from warmwinter.alerts.services import AlertInput
from warmwinter.registry.forms import MAX_REGION_OPTIONS

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
CAP_TOO_BIG = _("文件超过 1 MB，不是一条 CAP 预警消息。")


def _datetime(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT), **kwargs)


def manual_identifier() -> str:
    """An identifier for a warning typed in by hand (CAP messages bring their own)."""
    return f"warmwinter-{timezone.localtime():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"


class AlertForm(forms.Form):
    """A warning entered by hand, e.g. read out over the phone from the meteorological bureau."""

    event = forms.ChoiceField(label=_("预警类型"), choices=AlertEvent.choices)
    colour = forms.TypedChoiceField(label=_("预警级别"), choices=Colour.choices, coerce=int)
    areas = forms.MultipleChoiceField(label=_("预警区域"), help_text=_("可多选；选择上级区划即覆盖其下全部区划。"))
    onset = _datetime(_("生效时间"))
    expires = _datetime(_("失效时间"))
    headline = forms.CharField(label=_("标题"), max_length=300, required=False,
                               help_text=_("如：西秀区气象台发布寒潮蓝色预警；不填则按类型和级别生成。"))
    description = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    instruction = forms.CharField(label=_("防御指南"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, regions: list, **kwargs):
        super().__init__(*args, **kwargs)
        if len(regions) > MAX_REGION_OPTIONS:
            self.fields["areas"] = forms.CharField(label=_("预警区域"), help_text=_("区划代码，多个用空格或逗号分隔"))
        else:
            top = min((r.level for r in regions), default=0)
            self.fields["areas"].choices = [(r.code, "\u3000" * (r.level - top) + r.name) for r in regions]
            self.fields["areas"].widget.attrs["size"] = min(max(len(regions), 3), 10)
        if not self.is_bound:
            self.initial.setdefault("onset", timezone.localtime().replace(second=0, microsecond=0))

    def clean_areas(self) -> list[str]:
        value = self.cleaned_data["areas"]
        return [c for c in re.split(r"[\s,，;；]+", value) if c] if isinstance(value, str) else list(value)

    def to_input(self) -> AlertInput:
        data = self.cleaned_data
        headline = data["headline"].strip() or gettext("%(event)s%(colour)s预警") % {
            "event": AlertEvent(data["event"]).label, "colour": Colour(data["colour"]).label}
        return AlertInput(identifier=manual_identifier(), event=data["event"], colour=data["colour"], onset=data["onset"],
                          expires=data["expires"], area_codes=data["areas"], sent=timezone.now(), headline=headline,
                          event_text=AlertEvent(data["event"]).label, description=data["description"], instruction=data["instruction"])


class CapUploadForm(forms.Form):
    file = forms.FileField(label=_("CAP 文件"), help_text=_("气象部门发布的 CAP 1.2 XML 文件，不超过 1 MB。"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xml,.cap,application/xml,text/xml,application/cap+xml"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(CAP_TOO_BIG)
        return upload

    def content(self) -> bytes:
        return self.cleaned_data["file"].read(MAX_BYTES + 1)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    events = forms.MultipleChoiceField(label=_("预警类型"), choices=AlertEvent.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple, help_text=_("都不选表示任何类型的预警。"))
    min_colour = forms.TypedChoiceField(label=_("最低级别"), choices=Colour.choices, coerce=int)
    hours = forms.IntegerField(label=_("完成时限（小时）"), min_value=0, max_value=720,
                               help_text=_("入户走访须在预警生效后多少小时内完成；其他措施不用此项。"))
    active = forms.BooleanField(label=_("启用"), required=False)

    @staticmethod
    def initial_for(rule: AlertRule) -> dict:
        return {"name": rule.name, "events": rule.events, "min_colour": rule.min_colour, "hours": rule.hours, "active": rule.active}
