from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "cms.letters"
    label = "letters"
    verbose_name = "来信办理"
