"""The demo cluster comes with its review workflows and a small word list."""

from __future__ import annotations

from django.core.management import call_command
from wagtail.models import Site, Workflow

from cms.workflow.models import ProtectedTerm, SensitiveWord, TypoPair
from cms.workflow.services import latest_report, run_auto_check
from tests.conftest import column_of

from .conftest import draft_article


def test_every_demo_site_has_its_workflow_and_the_lists_are_seeded_once(db):
    call_command("load_demo", "--password", "Demo-pass-2026", verbosity=0)
    sites = list(Site.objects.select_related("root_page"))
    assert all(site.root_page.get_workflow() is not None for site in sites)
    assert ProtectedTerm.objects.filter(correct="中华人民共和国").exists()
    counts = (Workflow.objects.count(), SensitiveWord.objects.count(), TypoPair.objects.count())

    call_command("load_demo", "--password", "Demo-pass-2026", verbosity=0)
    assert (Workflow.objects.count(), SensitiveWord.objects.count(), TypoPair.objects.count()) == counts

    jyj = Site.objects.get(hostname="jyj.localhost")
    page = draft_article(column_of(jyj, "tzgg"), "关于按排中华人民共合国国庆假期的通知")
    run_auto_check(page)
    assert {f["what"] for f in latest_report(page).findings} >= {"按排", "中华人民共合国"}
