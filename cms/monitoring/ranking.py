"""The quarterly and annual 100-point ranking (季度考评、年度考核) and its grades.

Local practice of seed ``002_d20fc0caea6d4244.txt`` (DESIGN §3): “考核得分排在前10位，且分值在90分以上的为
优秀；考核得分排在后3位，且分值在70分以下的为不合格；其余为合格” — both conditions, each time.
Where the seed is silent the cluster's rules are (``docs/monitoring.md``):

- ties share a rank (1, 2, 2, 4): a site level with the 10th is in the top 10, and one level with
  the third from the bottom is in the bottom 3, so equal scores never get different grades;
- fewer than 10 sites: every site is in the top 10 (and with fewer than 3 all are in the bottom 3;
  a site cannot be both excellent and failing, since ≥ 90 and < 70 exclude each other);
- a site with a veto (单项否决) in the period fails whatever its points — the national indicators
  make a vetoed site 不合格 (DESIGN §3) — and is ranked after every site without one; the top 10
  and the bottom 3 are the places among the sites without a veto;
- a site without any score in the period is not ranked.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models

EXCELLENT_WITHIN = 10  # 排在前10位
EXCELLENT_FROM = Decimal(90)  # 且分值在90分以上（含90分）
FAILING_WITHIN = 3  # 排在后3位
FAILING_BELOW = Decimal(70)  # 且分值在70分以下（低于70分，DESIGN §3）


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


@dataclass(frozen=True)
class Entry:
    """What is ranked: a key (a site's id), its points for the period (None: no data), its vetoes."""

    key: Hashable
    points: Decimal | None
    vetoes: int = 0


@dataclass(frozen=True)
class Standing:
    entry: Entry
    rank: int | None  # None: not ranked (no data)
    grade: str | None
    reason: str

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label if self.grade else "无数据"


def rank_sites(entries: Iterable[Entry]) -> list[Standing]:
    """Every entry with its rank and grade, best first; entries without points last, unranked.

    Sites with a veto are ranked after every site without one (by their points among themselves)
    and fail; the top 10 and the bottom 3 are counted among the sites without a veto, so a vetoed
    site neither takes an excellent place nor shields a low score from the bottom 3."""
    entries = list(entries)
    clean = [e for e in entries if e.points is not None and not e.vetoes]
    vetoed = [e for e in entries if e.points is not None and e.vetoes]
    standings = []
    for entry, above, below in _placed(clean):
        if above < EXCELLENT_WITHIN and entry.points >= EXCELLENT_FROM:
            grade, reason = Grade.EXCELLENT, f"排名前{EXCELLENT_WITHIN}位且不低于{EXCELLENT_FROM}分"
        elif below < FAILING_WITHIN and entry.points < FAILING_BELOW:
            grade, reason = Grade.FAIL, f"排名后{FAILING_WITHIN}位且低于{FAILING_BELOW}分"
        else:
            grade, reason = Grade.PASS, ""
        standings.append(Standing(entry, above + 1, grade, reason))
    for entry, above, _ in _placed(vetoed):
        standings.append(Standing(entry, len(clean) + above + 1, Grade.FAIL, f"单项否决 {entry.vetoes} 项"))
    standings += [Standing(e, None, None, "本期无得分记录") for e in entries if e.points is None]
    return standings


def _placed(entries: list[Entry]) -> list[tuple[Entry, int, int]]:
    """Best first, each with how many score strictly higher and strictly lower (ties share a place)."""
    ascending = sorted(e.points for e in entries)
    return [
        (e, len(ascending) - bisect_right(ascending, e.points), bisect_left(ascending, e.points))
        for e in sorted(entries, key=lambda e: -e.points)
    ]
