"""Reactions to changes in the review workflow app, connected once in ``WorkflowConfig.ready()``.

Any change to a word list retires the compiled matcher in every process (``checks.invalidate_matcher``)."""

from django.db.models.signals import post_delete, post_save

from .checks import invalidate_matcher
from .models import AllowedPhrase, ProtectedTerm, SensitiveWord, TypoPair

WORD_LISTS = (SensitiveWord, ProtectedTerm, TypoPair, AllowedPhrase)


def word_list_changed(sender, **kwargs) -> None:
    invalidate_matcher()


def connect() -> None:
    for model in WORD_LISTS:
        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(word_list_changed, sender=model, dispatch_uid=f"workflow.{model._meta.model_name}.{name}")
