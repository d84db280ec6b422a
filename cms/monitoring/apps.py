from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "cms.monitoring"
    label = "monitoring"
    verbose_name = "网站监管"
