from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "cms.visits"
    label = "visits"
    verbose_name = "访问统计"
