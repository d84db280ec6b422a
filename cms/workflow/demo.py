"""Demo word lists for ``load_demo``: a few entries of each kind, to try the automatic check."""

from __future__ import annotations

from collections.abc import Iterable

from wagtail.models import Site

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
