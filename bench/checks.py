"""Benchmark: the review workflow (issue "editorial review workflows").

Prints:

- **automatic check**: the time to check a 20,000-character article (real
  Chinese government text from demo/articles.json) against 10,000 dictionary
  terms (6,000 sensitive words, 2,000 wrong variants of 2,000 protected terms,
  2,000 wrong-character pairs): building the Aho-Corasick automaton once
  (cold), then the median of ``check_page`` (every check, including the link
  and date look-ups) and of the word matching alone. For comparison, the
  median of a plain Python loop ``word in text`` over the same words.
  Goal: ≤ 50 ms per check.
- **submit → live**: SQL queries of the whole path in the admin's terms —
  提交 (workflow start, automatic check, first review step), 初审 approves,
  终审 approves and publishes — with 2 sites and with 20 sites. The script
  exits with status 1 if the counts differ.

Runs against whatever database ``DATABASE_URL`` names (SQLite by default), in a
throwaway test database created first and destroyed at the end::

    .venv/bin/python bench/checks.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wf .venv/bin/python bench/checks.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

import harness

harness.setup("workflow")

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page  # noqa: E402

from cms.accounts.roles import site_role_group  # noqa: E402
from cms.content.models import ArticlePage, ColumnPage  # noqa: E402
from cms.workflow.checks import check_page, check_words, get_matcher, invalidate_matcher  # noqa: E402
from cms.workflow.models import ProtectedTerm, SensitiveWord, Severity, TypoPair  # noqa: E402
from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType  # noqa: E402
from sites.services import SubsiteRequest, provision_subsite  # noqa: E402

ARTICLE_CHARS = 20_000
SENSITIVE, PROTECTED, TYPOS = 6_000, 2_000, 2_000
RUNS = 20
GOAL_MS = 50.0
CORPUS = Path(harness.REPO_ROOT).parent / "shared" / "corpus"
# Common characters of government text: generated words look like real ones and
# now and then really occur in the article, as a real list's words do.
ALPHABET = "国家人民政府工作发展建设管理服务社会经济安全教育卫生文化公开信息部门单位组织领导企业群众城乡农村改革创新"


def corpus_text() -> str:
    files = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
    text = "".join(path.read_text(encoding="utf-8") for path in files) or "各级人民政府要切实加强政务公开工作。" * 50
    while len(text) < ARTICLE_CHARS:
        text += text
    return text[:ARTICLE_CHARS]


def make_words(rng: random.Random, count: int, seen: set[str]) -> list[str]:
    words = []
    while len(words) < count:
        word = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(3, 6)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def seed_dictionary() -> list[str]:
    rng = random.Random(2026)
    seen: set[str] = set()
    sensitive = make_words(rng, SENSITIVE, seen)
    correct = make_words(rng, PROTECTED, seen)
    variants = make_words(rng, PROTECTED, seen)
    typos = make_words(rng, TYPOS, seen)
    SensitiveWord.objects.bulk_create(
        SensitiveWord(word=w, severity=Severity.WARN if n % 3 else Severity.BLOCK) for n, w in enumerate(sensitive)
    )
    ProtectedTerm.objects.bulk_create(
        ProtectedTerm(correct=c, wrong_variants=variants[n]) for n, c in enumerate(correct)
    )
    TypoPair.objects.bulk_create(TypoPair(wrong=w, correct=w[::-1]) for w in typos)
    invalidate_matcher()  # bulk_create sends no signals
    return sensitive + variants + typos


def median_ms(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def provision(n: int) -> object:
    kind = OrganisationKind.PORTAL if n == 0 else OrganisationKind.DEPARTMENT
    org = Organisation.objects.create(name=f"基准机构{n}", kind=kind, index_code=f"8{n:08d}")
    return provision_subsite(
        SubsiteRequest(
            hostname=f"s{n}.wfbench.localhost",
            site_name=f"基准站{n}",
            site_type=SiteType.PORTAL if n == 0 else SiteType.DEPARTMENT,
            organisation=org,
            site_id_code="3418020001",
            status=SiteStatus.OPEN,
        )
    )


def user_in(site, role: str):
    n = get_user_model().objects.count()
    user = get_user_model().objects.create_user(f"u{n}", f"u{n}@example.gov.cn", "x" * 12)
    user.groups.add(site_role_group(site, role))
    return user


def submit_to_live_queries(site, text: str, staff) -> tuple[int, int, int]:
    editor, reviewer, leader = staff
    column = ColumnPage.objects.get(url_path=f"{site.root_page.url_path}tzgg/")
    page = ArticlePage(title="基准通知", slug=f"b{Page.objects.count()}", body=f"<p>{text}</p>", owner=editor)
    page.publication_date = timezone.now()
    page.live = False
    column.add_child(instance=page)
    page.save_revision(user=editor)
    counts = []
    with CaptureQueriesContext(connection) as submitted:
        page.get_workflow().start(page, editor)
    counts.append(len(submitted))
    for user in (reviewer, leader):
        task_state = Page.objects.get(pk=page.pk).specific.current_workflow_task_state
        with CaptureQueriesContext(connection) as approved:
            task_state.task.specific.on_action(task_state, user, "approve", comment="同意")
        counts.append(len(approved))
    assert Page.objects.get(pk=page.pk).live, "the article did not go live"
    return tuple(counts)


def run() -> int:
    harness.print_machine()
    text = corpus_text()
    words = harness.timed("seed 10,000 terms", seed_dictionary)

    start = time.perf_counter()
    matcher = get_matcher()
    build_ms = (time.perf_counter() - start) * 1000
    site = provision(0)
    column = ColumnPage.objects.get(url_path=f"{site.root_page.url_path}tzgg/")
    page = ArticlePage(title="基准长文", slug="long", body=f"<p>{text}</p>", publication_date=timezone.now())
    column.add_child(instance=page)
    findings = check_page(page)
    check_ms = median_ms(lambda: check_page(page))
    match_ms = median_ms(lambda: check_words(text, "正文", matcher))
    loop_ms = median_ms(lambda: [w for w in words if w in text], runs=3)

    print(f"automatic check: {len(text):,}-character article, {matcher.size:,} dictionary terms")
    print(f"  build automaton (once per list change)   {build_ms:8.1f} ms")
    print(f"  check_page, every check (median of {RUNS})  {check_ms:8.1f} ms   goal ≤ {GOAL_MS:.0f} ms")
    print(f"  word matching alone (median)             {match_ms:8.1f} ms")
    print(f"  plain loop `word in text` (median of 3)  {loop_ms:8.1f} ms   (for comparison)")
    print(f"  findings in the article                  {len(findings):8d}")
    print()

    SensitiveWord.objects.all().delete()
    ProtectedTerm.objects.all().delete()
    TypoPair.objects.all().delete()
    invalidate_matcher()
    sample = text[:2_000]
    # The same people every time: Wagtail's notifications cost a query or two per recipient.
    staff = [user_in(site, role) for role in ("editor", "reviewer", "leader")]
    submit_to_live_queries(site, sample, staff)  # warm Wagtail's per-process caches
    provision(1)
    few = submit_to_live_queries(site, sample, staff)
    harness.timed("provision 18 more sites", lambda: [provision(n) for n in range(2, 20)])
    many = submit_to_live_queries(site, sample, staff)
    print("submit → live queries (提交 incl. 自动检查, 初审 approve, 终审 approve + publish)")
    print(f"  2 sites    {few[0]:4d} + {few[1]:3d} + {few[2]:3d} = {sum(few)}")
    print(f"  20 sites   {many[0]:4d} + {many[1]:3d} + {many[2]:3d} = {sum(many)}")
    failed = False
    if few != many:
        print("  FAIL: the query count grows with the number of sites")
        failed = True
    if check_ms > GOAL_MS:
        print(f"  FAIL: the automatic check took {check_ms:.1f} ms (goal ≤ {GOAL_MS:.0f} ms)")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(harness.run_in_throwaway_database(run, "workflow"))
