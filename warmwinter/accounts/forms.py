from django import forms
from django.utils.translation import gettext_lazy as _

from warmwinter.accounts.roles import Role


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class OtpForm(forms.Form):
    otp = forms.CharField(label=_("动态口令"), max_length=8, widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}))


class PasswordChangeForm(forms.Form):
    password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            raise forms.ValidationError(_("两次输入的密码不一致。"))
        return data


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region = forms.CharField(label=_("区划代码"), max_length=12, help_text=_("如 520402（县）、520402005（乡镇）、520402005001（村）"))


class UserCreateForm(MembershipForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("电话"), max_length=20, required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    field_order = ["username", "display_name", "phone", "password", "role", "region"]
