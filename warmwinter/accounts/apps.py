from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "warmwinter.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from warmwinter.accounts import schema  # noqa: F401  registers the OpenAPI auth scheme
        from warmwinter.audit.actions import register_action_labels

        register_action_labels({
            "user.create": _("创建用户"),
            "user.lock": _("登录锁定"),
            "user.login": _("登录"),
            "user.set_active": _("启用/停用账户"),
            "user.set_password": _("修改密码"),
            "user.totp_enrol": _("绑定动态口令"),
            "membership.add": _("添加任职"),
            "membership.deactivate": _("停用任职"),
        })
