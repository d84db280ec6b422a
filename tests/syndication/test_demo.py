"""The demo cluster shows push in all three directions, the inbox and a withdrawal; loading twice adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cms.syndication.models import PushDirection, PushRecord, PushStatus, Takedown, TakedownKind

pytestmark = pytest.mark.django_db


def test_the_demo_has_pushes_in_every_direction_an_inbox_and_a_withdrawal(client):
    call_command("load_demo", "--password", "Demo-pass-2026", verbosity=0)

    directions = set(PushRecord.objects.values_list("direction", flat=True))
    assert directions == {PushDirection.UP, PushDirection.DOWN, PushDirection.ACROSS}
    assert PushRecord.objects.filter(status=PushStatus.PENDING).count() == 2
    assert (
        PushRecord.objects.filter(direction=PushDirection.DOWN, status=PushStatus.ACCEPTED, auto_accepted=True).count()
        == 3
    )
    takedown = Takedown.objects.get()
    assert takedown.kind == TakedownKind.WITHDRAWN and takedown.pages.count() == 2

    counts = (PushRecord.objects.count(), Takedown.objects.count())
    call_command("load_demo", "--password", "Demo-pass-2026", verbosity=0)
    assert (PushRecord.objects.count(), Takedown.objects.count()) == counts
