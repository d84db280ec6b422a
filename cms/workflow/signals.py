"""Any change to a word list retires the compiled matcher in every process."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .checks import invalidate_matcher
from .models import ProtectedTerm, SensitiveWord, TypoPair


@receiver([post_save, post_delete], sender=SensitiveWord)
@receiver([post_save, post_delete], sender=ProtectedTerm)
@receiver([post_save, post_delete], sender=TypoPair)
def _word_list_changed(sender, **kwargs) -> None:
    invalidate_matcher()
