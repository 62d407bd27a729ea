from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "warmwinter.reports"
    label = "reports"
    verbose_name = "报表"
