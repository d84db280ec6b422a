"""Demo word lists for ``load_demo``: a few entries of each kind, to try the automatic check; and the
review of the demo's generated pages, approved through the real workflow."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from wagtail.models import Site, WorkflowState

from .models import Severity, TermCategory, WordCategory
from .services import ensure_all_site_workflows, seed_word_lists

SENSITIVE = [
    ("法轮功", WordCategory.POLITICAL, Severity.BLOCK),
    ("网络赌博", WordCategory.ILLEGAL, Severity.BLOCK),
    ("代开发票", WordCategory.ILLEGAL, Severity.BLOCK),
    # 《广告法》第九条's absolute terms: a reviewer decides whether the use is fair.
    ("国家级产品", WordCategory.ADVERTISING, Severity.WARN),
    ("最高级", WordCategory.ADVERTISING, Severity.WARN),
    ("第一品牌", WordCategory.ADVERTISING, Severity.WARN),
]
PROTECTED = [
    ("中华人民共和国", TermCategory.STATE, ["中华人民共合国", "中化人民共和国", "中华人名共和国"]),
    ("中国共产党", TermCategory.STATE, ["中国共产觉", "中国共残党"]),
    ("习近平总书记", TermCategory.LEADER, ["习近平总书纪", "习进平总书记", "习近平总节记"]),
    ("宣城市宣州区人民政府", TermCategory.ORGANISATION, ["宣城市宣洲区人民政府", "宣成市宣州区人民政府"]),
    ("宣州区", TermCategory.PLACE, ["宣洲区"]),
]
TYPOS = [
    ("按排", "安排"),
    ("既使", "即使"),
    ("部暑", "部署"),
    ("再接再励", "再接再厉"),
    ("一如继往", "一如既往"),
    ("默守成规", "墨守成规"),
    ("迫不急待", "迫不及待"),
]


def load_workflow_demo(sites: Iterable[Site]) -> int:
    """Seed the lists and make sure every demo site has its workflows (idempotent)."""
    ensure_all_site_workflows(sites)
    return seed_word_lists(SENSITIVE, PROTECTED, TYPOS)


def approve_through_review(page, submitter) -> None:
    """Approve each step of ``page``'s review under way, as a member of the step's groups other
    than ``submitter`` would in the admin (``ReviewTask.on_action``: the check, then the approval)."""
    User = get_user_model()
    for _ in range(5):  # the workflows have at most a check and two review steps
        state = page.current_workflow_state
        if state is None or state.status != WorkflowState.STATUS_IN_PROGRESS:
            return
        task_state = state.current_task_state
        task = task_state.task.specific
        reviewer = User.objects.filter(groups__in=task.groups.all()).exclude(pk=submitter.pk).first()
        if reviewer is None:
            return
        task.on_action(task_state, reviewer, "approve")
        page.refresh_from_db()
