"""Forms of the helping-contact pages: a campaign, the roster and helpers of a village, and the phone
quick-entry of a contact (the checklist itself is surveys.forms.AnswerForm)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from warmwinter.care.choices import Channel, HelperKind, HelperRole
from warmwinter.hazards.choices import HazardCategory
from warmwinter.regions.codes import normalize
from warmwinter.surveys.choices import QuestionType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PROBLEM_ROWS = 3
MAX_PHOTO = 10 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"}
PHOTO_TYPE = _("照片只接受 JPG、PNG、WEBP、HEIC 格式。")
PHOTO_SIZE = _("照片不能超过 10 MB。")


class CampaignForm(forms.Form):
    """A new campaign: region, name, the filing deadline and contact window, roster categories, checklist."""

    region = forms.ChoiceField(label=_("工作范围"))
    name = forms.CharField(label=_("名称"), max_length=100)
    filing_deadline = forms.DateField(label=_("联系表备案截止日期"), widget=DATE, help_text=_("各村帮扶责任联系表报督查室备案的截止日期"))
    starts_on = forms.DateField(label=_("联系开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("联系结束日期"), widget=DATE)
    roster_categories = forms.MultipleChoiceField(label=_("纳入名册的人员类别"), widget=forms.CheckboxSelectMultiple, required=False)
    contact_template = forms.ChoiceField(label=_("走访检查表"), required=False, help_text=_("联系时可填的检查项，均为选填"))

    def __init__(self, *args, regions: list[tuple[str, str]], categories: list[tuple[str, str]], templates: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = regions
        self.fields["roster_categories"].choices = categories
        self.fields["contact_template"].choices = templates

    def clean_region(self) -> str:
        try:
            return normalize(self.cleaned_data["region"])
        except ValueError:
            raise forms.ValidationError(_("请选择工作范围。")) from None

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("联系结束日期不能早于开始日期。"))
        return data


class RosterBuildForm(forms.Form):
    region = forms.CharField(required=False, max_length=12)


class AssignForm(forms.Form):
    """Pair a roster household with one of its village's helpers, as primary or backup."""

    helper = forms.ModelChoiceField(label=_("帮扶责任人"), queryset=None, empty_label=None)
    role = forms.ChoiceField(label=_("角色"), choices=HelperRole.choices, initial=HelperRole.PRIMARY)

    def __init__(self, *args, helpers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = helpers


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=200)


class RosterAddForm(forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("纳入理由"), max_length=200)


class HelperForm(forms.Form):
    """A helper (帮扶责任人) of the village; optionally the account of a user with the helper role there."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    kind = forms.ChoiceField(label=_("身份"), choices=HelperKind.choices, initial=HelperKind.TWO_COMMITTEES)
    position = forms.CharField(label=_("职务"), max_length=50, required=False)
    user = forms.ModelChoiceField(label=_("系统账号（选填）"), queryset=None, required=False, empty_label="—")

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name or u.username}（{u.username}）"


class ContactForm(forms.Form):
    """The phone quick-entry of one visit or call; `client_id` makes a double tap store one contact."""

    client_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
    helper = forms.ModelChoiceField(label=_("帮扶责任人"), queryset=None, required=False, empty_label="—")
    channel = forms.ChoiceField(label=_("联系方式"), choices=Channel.choices, widget=forms.RadioSelect)
    contacted_at = forms.DateTimeField(label=_("联系时间"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    notes = forms.CharField(label=_("情况记录"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    solved_on_spot = forms.CharField(label=_("当场解决的问题"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(label=_("照片（选填）"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    latitude = forms.DecimalField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    longitude = forms.DecimalField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)

    def __init__(self, *args, helpers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = helpers
        self.fields["helper"].label_from_instance = lambda h: f"{h.name}（{h.get_kind_display()}{'·' + h.position if h.position else ''}）"
        categories = [("", _("问题类别"))] + list(HazardCategory.choices)
        for n in range(1, PROBLEM_ROWS + 1):
            self.fields[f"problem_category_{n}"] = forms.ChoiceField(label=_("问题类别"), choices=categories, required=False)
            self.fields[f"problem_text_{n}"] = forms.CharField(label=_("问题描述"), max_length=200, required=False)

    def problem_rows(self) -> list[tuple]:
        return [(self[f"problem_category_{n}"], self[f"problem_text_{n}"]) for n in range(1, PROBLEM_ROWS + 1)]

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            if (getattr(photo, "content_type", "") or "").lower() not in PHOTO_TYPES:
                raise forms.ValidationError(PHOTO_TYPE)
            if photo.size > MAX_PHOTO:
                raise forms.ValidationError(PHOTO_SIZE)
        return photo

    def _coordinate(self, name: str):
        value = self.cleaned_data.get(name)
        return None if value is None else value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)

    def clean_latitude(self):
        return self._coordinate("latitude")

    def clean_longitude(self):
        return self._coordinate("longitude")

    def clean(self):
        data = super().clean()
        for n in range(1, PROBLEM_ROWS + 1):
            if data.get(f"problem_category_{n}") and not (data.get(f"problem_text_{n}") or "").strip():
                self.add_error(f"problem_text_{n}", _("请写明需要上报的问题。"))
        return data

    def problems(self) -> list[dict]:
        """[{category, title}] of the rows with a text (a row without a category is “其他”)."""
        found = []
        for n in range(1, PROBLEM_ROWS + 1):
            text = (self.cleaned_data.get(f"problem_text_{n}") or "").strip()
            if text:
                found.append({"category": self.cleaned_data.get(f"problem_category_{n}") or HazardCategory.OTHER, "title": text})
        return found


def checklist_form(data=None, *, template):
    """The campaign's checklist as an AnswerForm: every question optional, no photo question (the contact has one)."""
    from warmwinter.surveys.forms import AnswerForm

    form = AnswerForm(data, template=template)
    for q in template.questions:
        name = f"q_{q['key']}"
        if q["type"] == QuestionType.PHOTO:
            del form.fields[name]
        elif name in form.fields:
            form.fields[name].required = False
    return form
