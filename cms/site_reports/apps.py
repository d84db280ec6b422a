from django.apps import AppConfig


class SiteReportsConfig(AppConfig):
    name = "cms.site_reports"
    label = "site_reports"
    verbose_name = "政府网站工作年度报表"

    def ready(self) -> None:
        from . import handlers

        handlers.connect()
