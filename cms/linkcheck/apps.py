from django.apps import AppConfig


class LinkcheckConfig(AppConfig):
    name = "cms.linkcheck"
    label = "linkcheck"
    verbose_name = "外部链接检查"
