"""The inspection rules: each a small named unit with its threshold and its source.

A rule reads a site's ``SiteFacts`` (``facts.py``, gathered for many sites at once) and
returns a ``Finding``: a status (green / amber / red / veto / no data), a Chinese message,
the pages (or letters) that cause it and the points it deducts from the site's 100.
Vetoes (单项否决) are those of 《政府网站与政务新媒体检查指标》(国办秘函〔2019〕19号);
amber is the cluster's warning before one. Deductions are the cluster's weighting of the
indicators' scored items (documented per rule in ``docs/monitoring.md``).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from wagtail.models import Site

from cms.content.models import ColumnType
from cms.workflow.models import Severity
from sites.models import SiteType

from .facts import INTERPRETATION_DAYS, MAX_CAUSES, VOLUME_DAYS, Cause, ColumnFact, SiteFacts
from .models import STATUS_RANK, Status

SOURCE_2019 = "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）"
TOTAL_POINTS = Decimal(100)
PASS_POINTS = Decimal(60)  # below this a site fails the inspection (DESIGN §3)


@dataclass
class Finding:
    status: str
    message: str
    causes: list[Cause] = field(default_factory=list)
    deduction: Decimal = Decimal(0)

    @property
    def cause_dicts(self) -> list[dict]:
        return [cause.as_dict() for cause in self.causes[:MAX_CAUSES]]


def _capped(count: int, each: Decimal, cap: Decimal) -> Decimal:
    return min(each * count, cap)


def _titles(causes: Sequence[Cause], limit: int = 5) -> str:
    names = "、".join(f"“{cause.title}”" for cause in causes[:limit])
    return names + (f"等{len(causes)}个" if len(causes) > limit else "")


@dataclass(frozen=True)
class Rule:
    key: str
    name: str
    source: str

    def evaluate(self, site: Site, facts: SiteFacts) -> Finding:
        raise NotImplementedError


@dataclass(frozen=True)
class HomePageUpdateRule(Rule):
    """首页更新: the newest item of the home page's blocks."""

    veto_after_days: int = 14
    amber_from_days: int = 10

    def evaluate(self, site, facts):
        dates = [column.newest for column in facts.home_columns if column.newest is not None]
        causes = [column.cause for column in facts.home_columns]
        if not dates:
            return Finding(Status.VETO, "首页栏目区块中没有任何已发布的信息，首页视为未更新。", causes)
        newest = max(dates)
        days = (facts.today - timezone.localdate(newest)).days
        if days > self.veto_after_days:
            return Finding(
                Status.VETO,
                f"首页最新信息发布于{days}天前，超过{self.veto_after_days}天未更新（单项否决）。",
                causes,
            )
        if days >= self.amber_from_days:
            left = self.veto_after_days - days
            return Finding(
                Status.AMBER,
                f"首页最新信息发布于{days}天前；再过{left + 1}天不更新将被单项否决。",
                causes,
            )
        return Finding(Status.GREEN, f"首页最新信息发布于{days}天前。")


NEWS_TYPES = (ColumnType.NEWS,)
NOTICE_POLICY_TYPES = (ColumnType.NOTICE, ColumnType.POLICY)


@dataclass(frozen=True)
class ColumnUpdateRule(Rule):
    """栏目更新: columns past the update interval they carry (``ColumnPage.expected_update_interval``).

    A column with nothing in it is the 空白栏目 rule's, and a column with sub-columns is judged
    by them: neither is counted here twice."""

    veto_news: int = 5
    veto_notice_policy: int = 5
    veto_any: int = 10
    deduction_each: Decimal = Decimal(1)
    deduction_cap: Decimal = Decimal(10)

    def stale(self, facts: SiteFacts) -> list[ColumnFact]:
        return [
            column
            for column in facts.columns
            if column.interval is not None
            and column.has_content
            and not column.is_container
            and (column.days_since_update(facts.today) or 0) > column.interval
        ]

    def evaluate(self, site, facts):
        stale = self.stale(facts)
        if not stale:
            return Finding(Status.GREEN, "应更新的栏目均在更新周期内。")
        news = [c for c in stale if c.column_type in NEWS_TYPES]
        notice = [c for c in stale if c.column_type in NOTICE_POLICY_TYPES]
        causes = [column.cause for column in stale]
        deduction = _capped(len(stale), self.deduction_each, self.deduction_cap)
        counts = f"动态类{len(news)}个、通知公告/政策文件类{len(notice)}个、合计{len(stale)}个栏目未按期更新"
        vetoed = len(news) >= self.veto_news or len(notice) >= self.veto_notice_policy or len(stale) >= self.veto_any
        if vetoed:
            return Finding(Status.VETO, f"{counts}（单项否决）：{_titles(causes)}。", causes, deduction)
        return Finding(
            Status.AMBER,
            f"{counts}：{_titles(causes)}；动态类或通知公告/政策文件类达到{self.veto_news}个、"
            f"或合计达到{self.veto_any}个将被单项否决。",
            causes,
            deduction,
        )


@dataclass(frozen=True)
class BlankColumnRule(Rule):
    """空白栏目: published columns with nothing listed beneath them (a column with sub-columns
    is a container: its sub-columns are counted instead)."""

    veto_from: int = 5
    deduction_each: Decimal = Decimal(1)
    deduction_cap: Decimal = Decimal(5)

    def evaluate(self, site, facts):
        blank = [c.cause for c in facts.columns if not c.has_content and not c.is_container]
        if not blank:
            return Finding(Status.GREEN, "没有空白栏目。")
        deduction = _capped(len(blank), self.deduction_each, self.deduction_cap)
        if len(blank) >= self.veto_from:
            return Finding(Status.VETO, f"空白栏目{len(blank)}个（单项否决）：{_titles(blank)}。", blank, deduction)
        return Finding(
            Status.AMBER,
            f"空白栏目{len(blank)}个：{_titles(blank)}；达到{self.veto_from}个将被单项否决。",
            blank,
            deduction,
        )


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day when it has fewer)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class InteractionRule(Rule):
    """互动回应: letters of 互动交流 (cms.letters) unanswered."""

    veto_months: int = 3
    deduction_each: Decimal = Decimal(1)  # per letter past its reply deadline (working days)
    deduction_cap: Decimal = Decimal(10)

    def evaluate(self, site, facts):
        if not facts.letters_available:
            return Finding(Status.NO_DATA, "未启用互动交流，无法判断留言答复情况。")
        cutoff = months_before(facts.today, self.veto_months)
        vetoing = [letter for letter in facts.open_letters if letter.received_on < cutoff]
        deduction = _capped(facts.overdue_letters, self.deduction_each, self.deduction_cap)
        if vetoing:
            causes = [letter.cause for letter in vetoing]
            return Finding(
                Status.VETO,
                f"{len(vetoing)}件来信超过{self.veto_months}个月未答复（单项否决）。",
                causes,
                deduction,
            )
        guard_days = settings.LETTER_VETO_GUARD_DAYS
        causes = [letter.cause for letter in facts.open_letters]
        if facts.guard_letters or facts.overdue_letters:
            parts = []
            if facts.guard_letters:
                parts.append(f"超过{guard_days}天未办结的来信{facts.guard_letters}件")
            if facts.overdue_letters:
                parts.append(f"已超过答复期限的来信{facts.overdue_letters}件")
            return Finding(
                Status.AMBER,
                f"{'、'.join(parts)}；满{self.veto_months}个月未答复将被单项否决。",
                causes,
                deduction,
            )
        return Finding(Status.GREEN, "没有超期或长期未答复的来信。")


# Word-list findings that fail a site outright when the list marks them 禁止: prohibited content
# (敏感词) and misspelt protected terms (领导姓名职务, 国家及机关名称 …, 严重表述错误).
VETO_KINDS = ("sensitive", "protected")


@dataclass(frozen=True)
class AccuracyRule(Rule):
    """内容准确: the workflow's word lists re-run over published pages, and faked dates."""

    deduction_each: Decimal = Decimal(1)  # per 禁止 typo (一般性错别字)
    deduction_cap: Decimal = Decimal(10)

    def evaluate(self, site, facts):
        vetoing = [
            f for f in facts.text_findings if f.finding.severity == Severity.BLOCK and f.finding.kind in VETO_KINDS
        ]
        typos = [f for f in facts.text_findings if f.finding.severity == Severity.BLOCK and f not in vetoing]
        reminders = [f for f in facts.text_findings if f.finding.severity != Severity.BLOCK]
        deduction = _capped(len(typos), self.deduction_each, self.deduction_cap)
        if vetoing or facts.faked_dates:
            parts = []
            if vetoing:
                words = "、".join(dict.fromkeys(f"“{f.finding.what}”" for f in vetoing[:5]))
                parts.append(f"已发布信息中有严重表述错误或禁止内容{len(vetoing)}处（{words}）")
            if facts.faked_dates:
                parts.append(f"疑似伪造发稿日期{len(facts.faked_dates)}条（{facts.faked_dates[0][1]}）")
            causes = _unique([f.page for f in vetoing] + [cause for cause, _why in facts.faked_dates])
            return Finding(Status.VETO, "；".join(parts) + "（单项否决）。", causes, deduction)
        if typos:
            causes = _unique([f.page for f in typos])
            words = "、".join(dict.fromkeys(f"“{f.finding.what}”" for f in typos[:5]))
            return Finding(Status.RED, f"已发布信息中有错别字{len(typos)}处（{words}）。", causes, deduction)
        if reminders:
            causes = _unique([f.page for f in reminders])
            return Finding(Status.AMBER, f"已发布信息中有{len(reminders)}处提醒词，请核实。", causes)
        return Finding(Status.GREEN, "已发布信息未发现错误表述。")


def _unique(causes: list[Cause]) -> list[Cause]:
    return list(dict.fromkeys(causes))


@dataclass(frozen=True)
class WeightedLinkRule(Rule):
    """Broken links deduct more on the home page than elsewhere, as in the indicators' 可用性 item."""

    home_each: Decimal = Decimal(1)
    other_each: Decimal = Decimal("0.1")
    deduction_cap: Decimal = Decimal(5)

    def deduction(self, on_home: int, elsewhere: int) -> Decimal:
        return min(self.home_each * on_home + self.other_each * elsewhere, self.deduction_cap)


@dataclass(frozen=True)
class InternalLinkRule(WeightedLinkRule):
    """可用性（站内链接）: links in published text to pages missing, unpublished or taken down,
    from the page tree (no HTTP). Links on the home page weigh more, as in the indicators."""

    def evaluate(self, site, facts):
        broken = facts.broken_links
        if not broken:
            return Finding(Status.GREEN, "未发现站内不可用链接。")
        on_home = [link for link in broken if link.on_home_page]
        deduction = self.deduction(len(on_home), len(broken) - len(on_home))
        first = broken[0]
        return Finding(
            Status.RED,
            f"站内不可用链接{len(broken)}个（其中首页{len(on_home)}个），如“{first.page.title}”中的"
            f"“{first.text or '无文字链接'}”：{first.why}。",
            _unique([link.page for link in broken]),
            deduction,
        )


@dataclass(frozen=True)
class ExternalLinkRule(WeightedLinkRule):
    """可用性（外部链接）: links in published text to other web sites, as the background link checker
    (``cms.linkcheck``) last found them. A link is broken once its address failed on
    ``LINKCHECK_FAILURES_TO_BREAK`` checks in a row; one failure is reported, not counted."""

    urls_in_message: int = 3

    def evaluate(self, site, facts):
        links = facts.external_links
        if not links:
            return Finding(Status.GREEN, "已发布信息中没有外部链接。")
        checked = [link for link in links if link.result is not None and link.result.is_checked]
        if not checked:
            return Finding(Status.NO_DATA, f"外部链接{len(links)}处尚未检查（暂无数据）。")
        unchecked = len(links) - len(checked)
        pending = f"；另有{unchecked}处尚未检查" if unchecked else ""
        broken = [link for link in checked if link.result.is_broken]
        if not broken:
            failing = [link for link in checked if link.result.consecutive_failures]
            retry = f"；{len(failing)}处最近一次检查失败，待复查确认" if failing else ""
            return Finding(Status.GREEN, f"已检查的外部链接{len(checked)}处均可访问{retry}{pending}。")
        on_home = [link for link in broken if link.on_home_page]
        examples = "；".join(
            f"“{link.page.title}”中的{link.url}：{link.result.why}"
            for link in list({link.url: link for link in broken}.values())[: self.urls_in_message]
        )
        return Finding(
            Status.RED,
            f"外部不可用链接{len(broken)}处（其中首页{len(on_home)}处，连续{settings.LINKCHECK_FAILURES_TO_BREAK}次检查失败），"
            f"如{examples}{pending}。",
            _unique([link.page for link in broken]),
            self.deduction(len(on_home), len(broken) - len(on_home)),
        )


@dataclass(frozen=True)
class ManualEntriesRule(Rule):
    """人工录入: the latest entry of each indicator the system cannot measure."""

    def evaluate(self, site, facts):
        if not facts.manual:
            return Finding(Status.NO_DATA, "暂无人工录入的检查结果。")
        worst = max(facts.manual, key=lambda entry: STATUS_RANK[entry.status])
        deduction = sum((entry.deduction for entry in facts.manual), Decimal(0))
        lines = "；".join(f"{entry.get_indicator_display()}：{entry.note}" for entry in facts.manual)
        return Finding(worst.status, lines, [], deduction)


@dataclass(frozen=True)
class PublishingVolumeRule(Rule):
    """信息发布: how many items a site published in the last ``facts.VOLUME_DAYS`` days.

    The indicators score 信息发布 by its volume and timeliness without a national figure;
    the minimums are the cluster's (a portal gathers every unit's news, a subsite about one
    item a week)."""

    portal_minimum: int = 30
    subsite_minimum: int = 4
    deduction_low: Decimal = Decimal(1)
    deduction_none: Decimal = Decimal(3)

    def evaluate(self, site, facts):
        minimum = self.portal_minimum if facts.site_type == SiteType.PORTAL else self.subsite_minimum
        count = facts.published_recently
        if count >= minimum:
            return Finding(Status.GREEN, f"近{VOLUME_DAYS}天发布信息{count}条。")
        if count == 0:
            return Finding(Status.RED, f"近{VOLUME_DAYS}天未发布任何信息。", [], self.deduction_none)
        return Finding(
            Status.AMBER,
            f"近{VOLUME_DAYS}天发布信息{count}条，少于{minimum}条。",
            [],
            self.deduction_low,
        )


@dataclass(frozen=True)
class InterpretationRule(Rule):
    """解读回应: 政策文件 of the last ``facts.INTERPRETATION_DAYS`` days without a 政策解读.

    Interpretations are to be published with their policy (同步发布); one missing past
    ``grace_days`` deducts, within them it is a warning."""

    grace_days: int = 7
    deduction_each: Decimal = Decimal("0.5")
    deduction_cap: Decimal = Decimal(5)

    def evaluate(self, site, facts):
        if not facts.uninterpreted:
            return Finding(Status.GREEN, f"近{INTERPRETATION_DAYS // 365}年的政策文件均已发布解读（或没有政策文件）。")
        late = [cause for cause, days in facts.uninterpreted if days > self.grace_days]
        pending = [cause for cause, days in facts.uninterpreted if days <= self.grace_days]
        causes = late + pending
        if not late:
            return Finding(
                Status.AMBER,
                f"{len(pending)}个政策文件尚未发布解读：{_titles(pending)}；发布{self.grace_days}天后仍无解读将扣分。",
                causes,
            )
        deduction = _capped(len(late), self.deduction_each, self.deduction_cap)
        return Finding(
            Status.RED,
            f"{len(late)}个政策文件发布超过{self.grace_days}天仍无解读：{_titles(late)}。",
            causes,
            deduction,
        )


RULES: tuple[Rule, ...] = (
    HomePageUpdateRule("home_update", "首页更新", f"{SOURCE_2019} 单项否决：首页栏目超过2周未更新"),
    ColumnUpdateRule(
        "column_update",
        "栏目更新",
        f"{SOURCE_2019} 单项否决：动态、要闻类栏目超过2周未更新，或通知公告、政策文件类栏目超过6个月未更新，"
        "栏目数量达到5个及以上；应更新但长期未更新的栏目数量达到10个及以上",
    ),
    BlankColumnRule("blank_columns", "空白栏目", f"{SOURCE_2019} 单项否决：空白栏目数量达到5个及以上"),
    InteractionRule("interaction", "互动回应", f"{SOURCE_2019} 单项否决：超过3个月对网民留言不予答复"),
    AccuracyRule(
        "accuracy",
        "内容准确",
        f"{SOURCE_2019} 单项否决：出现严重表述错误；存在虚假或伪造内容（如发布时间造假）；出现违法违规内容",
    ),
    InternalLinkRule("internal_links", "站内链接", f"{SOURCE_2019} 可用性：不可用链接（首页链接加权）"),
    ExternalLinkRule("external_links", "外部链接", f"{SOURCE_2019} 可用性：不可用链接（首页链接加权）"),
    PublishingVolumeRule("volume", "信息发布", f"{SOURCE_2019} 信息发布：政务动态、信息公开等信息的更新量"),
    InterpretationRule("interpretation", "解读回应", f"{SOURCE_2019} 解读回应：政策文件与解读材料同步发布"),
    ManualEntriesRule("manual", "人工录入", f"{SOURCE_2019} 无法自动测量的指标（办事服务、安全防护、政务新媒体等）"),
)
RULES_BY_KEY: dict[str, Rule] = {rule.key: rule for rule in RULES}


@dataclass(frozen=True)
class Score:
    points: Decimal
    vetoes: int

    @property
    def passes(self) -> bool:
        return not self.vetoes and self.points >= PASS_POINTS


def score_of(deductions: Sequence[Decimal], statuses: Sequence[str]) -> Score:
    """100 points less the deductions (not below 0), and the number of vetoes."""
    points = max(TOTAL_POINTS - sum(deductions, Decimal(0)), Decimal(0))
    return Score(points, sum(1 for status in statuses if status == Status.VETO))
