"""Forms of the ledger pages. Field rules live in registry.validation and the services; a form
only shapes input and shows every problem on its field."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from warmwinter.registry.choices import CategoryLevel, Gender, HeatingMethod, HouseholdStatus, HousingCondition, Relation
from warmwinter.registry.models import Category
from warmwinter.registry.validation import PersonInput, check_person

# A select stops being usable (and the page gets heavy) past a few hundred villages:
# province- and city-wide users type a code instead.
MAX_REGION_OPTIONS = 500
REGION_CODE_HELP = _("12 位村（社区）区划代码，如 520402005001")
ID_KEEP_HELP = _("留空则不修改；当前为 %(masked)s")
BANK_KEEP_HELP = _("留空则不修改；当前为 %(masked)s")
GRADE_CHOICES = [("", "—"), ("1", _("一级")), ("2", _("二级")), ("3", _("三级")), ("4", _("四级"))]
DATE_WIDGET = {"type": "date"}


def _date_field(label, *, required: bool = False, initial=None) -> forms.DateField:
    return forms.DateField(label=label, required=required, initial=initial, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))


def region_field(villages: list, *, label) -> forms.Field:
    """A select of the villages the user may write to, grouped by township; a code box past MAX_REGION_OPTIONS."""
    if len(villages) > MAX_REGION_OPTIONS:
        return forms.CharField(label=label, max_length=12, help_text=REGION_CODE_HELP)
    groups: dict[str, list] = {}
    for village in villages:
        township = village.parent.name if village.parent_id else ""
        groups.setdefault(township, []).append((village.code, village.name))
    choices = [("", "—")] + [(township, options) for township, options in groups.items()]
    return forms.ChoiceField(label=label, choices=choices)


class HouseholdForm(forms.Form):
    """New household (户) or its details; the village only when creating."""

    region = forms.CharField(label=_("所属村（社区）"))
    number = forms.CharField(label=_("户编号"), max_length=40, required=False)
    address = forms.CharField(label=_("家庭住址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    housing_condition = forms.ChoiceField(label=_("住房状况"), choices=HousingCondition.choices, initial=HousingCondition.UNKNOWN)
    heating_method = forms.ChoiceField(label=_("取暖方式"), choices=HeatingMethod.choices, initial=HeatingMethod.UNKNOWN)
    bank_account = forms.CharField(label=_("一卡通账号"), max_length=40, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    status = forms.ChoiceField(label=_("状态"), choices=HouseholdStatus.choices, initial=HouseholdStatus.ACTIVE)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, villages: list | None = None, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        if household is None:
            self.fields["region"] = region_field(villages or [], label=self.fields["region"].label)
            if villages and len(villages) == 1:  # a village clerk: their village
                self.fields["region"].initial = villages[0].code
            del self.fields["status"], self.fields["version"]
        else:
            del self.fields["region"]
            if household.bank_account_tail:
                self.fields["bank_account"].help_text = BANK_KEEP_HELP % {"masked": household.bank_account_masked}

    @classmethod
    def initial_for(cls, household) -> dict:
        return {f: getattr(household, f) for f in ("number", "address", "phone", "housing_condition", "heating_method", "status", "version")}


class PersonForm(forms.Form):
    """A person's details; every rule of registry.validation shows on its own field."""

    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=30, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    gender = forms.ChoiceField(label=_("性别"), choices=[("", "—"), *Gender.choices], required=False,
                               help_text=_("有身份证号时可不填，按身份证号确定"))
    birth_date = forms.CharField(label=_("出生日期"), max_length=20, required=False,
                                 help_text=_("有身份证号时可不填；如 1950-01-31"))
    relation = forms.ChoiceField(label=_("与户主关系"), choices=Relation.choices, initial=Relation.OTHER)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    alive = forms.BooleanField(label=_("在世"), required=False, initial=True)
    death_date = _date_field(_("死亡日期"))
    notes = forms.CharField(label=_("备注"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, person=None, head: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        if person is None:
            del self.fields["version"]
        elif person.id_number_masked:
            self.fields["id_number"].help_text = ID_KEEP_HELP % {"masked": person.id_number_masked}
        if head:  # the head of a new household: relation is implied, status too
            for name in ("relation", "alive", "death_date"):
                del self.fields[name]

    @classmethod
    def initial_for(cls, person) -> dict:
        values = {f: getattr(person, f) for f in ("name", "gender", "relation", "phone", "alive", "death_date", "notes", "version")}
        values["birth_date"] = person.birth_date.isoformat() if person.birth_date else ""
        return values

    def person_input(self) -> PersonInput:
        data = self.cleaned_data
        id_number = data.get("id_number", "")
        if not id_number and self.person is not None:
            id_number = self.person.id_number()  # unchanged: the stored number, never sent to the page
        return PersonInput(
            name=data.get("name", ""), id_number=id_number, gender=data.get("gender", ""), birth_date=data.get("birth_date") or None,
            relation=data.get("relation") or (Relation.HEAD if "relation" not in self.fields else ""), phone=data.get("phone", ""),
            alive=data.get("alive", True) if "alive" in self.fields else True, death_date=data.get("death_date"), notes=data.get("notes", ""),
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            for field, message in check_person(self.person_input()).errors:
                self.add_error(field if field in self.fields else None, message)
        return data


class CategoryAssignForm(forms.Form):
    category = forms.ModelChoiceField(label=_("人员类别"), queryset=Category.objects.filter(active=True), to_field_name="code", empty_label="—")
    grade = forms.TypedChoiceField(label=_("等级"), choices=GRADE_CHOICES, coerce=int, empty_value=None, required=False,
                                   help_text=_("残疾人等分等级的类别必填"))
    valid_from = _date_field(_("起始日期"), required=True, initial=date.today)
    valid_to = _date_field(_("截止日期"))
    source = forms.CharField(label=_("认定来源"), max_length=100, required=False, help_text=_("如 民政局低保审批表、残联残疾证"))
    verified_by = forms.CharField(label=_("核实人"), max_length=50, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class CategoryEndForm(forms.Form):
    valid_to = _date_field(_("截止日期"), required=True, initial=date.today)


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("查看事由"), max_length=200, required=False,
                             help_text=_("如 核对低保发放名单；事由与查看人一并记入审计日志"))


class CategoryCreateForm(forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=40, help_text=_("英文字母、数字、下划线，如 local_hardship"))
    name = forms.CharField(label=_("名称"), max_length=40)
    name_en = forms.CharField(label=_("英文名称"), max_length=80)
    level = forms.ChoiceField(label=_("适用对象"), choices=CategoryLevel.choices, initial=CategoryLevel.PERSON)
    has_grade = forms.BooleanField(label=_("分等级（1–4 级）"), required=False)
    aliases = forms.CharField(label=_("别名"), max_length=200, required=False, help_text=_("台账中的其他写法，用顿号或逗号分隔"))
