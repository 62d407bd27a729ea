from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "warmwinter.notifications"
    label = "notifications"
    verbose_name = "通知"
