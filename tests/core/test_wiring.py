"""Every reaction is wired once, in ``ready()``, with a sender filter (issue 13)."""

from __future__ import annotations

import ast
import weakref
from pathlib import Path

from django.contrib.auth import signals as auth_signals
from django.db.models import signals as model_signals
from django.dispatch import Signal
from wagtail import signals as wagtail_signals

ROOT = Path(__file__).resolve().parents[2]
OUR_PACKAGES = ("core", "sites", "cms", "search", "demo")
NO_SENDER = id(None)  # django.dispatch keys a receiver connected without sender by id(None)


def _signals() -> list[tuple[str, Signal]]:
    found = []
    for module in (model_signals, wagtail_signals, auth_signals):
        for name, value in vars(module).items():
            if isinstance(value, Signal):
                found.append((f"{module.__name__}.{name}", value))
    return found


def unfiltered_receivers() -> list[str]:
    """Receivers defined in our packages that are connected without a sender."""
    unfiltered = []
    for name, signal in _signals():
        for entry in signal.receivers:
            (_receiver_key, sender_key), ref = entry[0], entry[1]
            receiver = ref() if isinstance(ref, weakref.ReferenceType) else ref
            module = getattr(receiver, "__module__", "") or ""
            if module.split(".")[0] in OUR_PACKAGES and sender_key == NO_SENDER:
                unfiltered.append(f"{name} → {module}.{receiver.__qualname__}")
    return unfiltered


def test_no_receiver_of_ours_listens_to_every_sender():
    assert unfiltered_receivers() == []


def test_the_inspection_sees_an_unfiltered_receiver():
    def catch_all(sender, **kwargs):
        pass

    catch_all.__module__ = "cms.example"
    model_signals.post_save.connect(catch_all)
    try:
        (found,) = unfiltered_receivers()
        assert found.startswith("django.db.models.signals.post_save → cms.example.") and found.endswith("catch_all")
    finally:
        model_signals.post_save.disconnect(catch_all)


def test_receivers_are_connected_in_handlers_modules_not_by_decorators():
    decorated = []
    for path in ROOT.glob("**/*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in OUR_PACKAGES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    if isinstance(target, ast.Name) and target.id == "receiver":
                        decorated.append(f"{relative}:{node.lineno} {node.name}")
    assert decorated == []
