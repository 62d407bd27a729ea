from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "warmwinter.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from warmwinter.accounts import schema  # noqa: F401  registers the OpenAPI auth scheme
