from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "cms.applications"
    label = "applications"
    verbose_name = "依申请公开"
