"""The demo's consultations: one open on the portal, one closed with its 征集结果反馈, through the actions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Site

from cms.content.models import ColumnPage, ColumnType
from core.publishing import review_waived
from sites.groups import site_group

from .actions import ApproveCommentAction, CommentInput, SubmitCommentAction
from .models import CommentMode, ConsultationPage

OPEN = {
    "title": "关于公开征求《宣州区城区养犬管理规定（征求意见稿）》意见的公告",
    "slug": "zqyj-yqgl",
    "purpose": "为加强城区养犬管理，规范养犬行为，保障公民人身安全和身体健康，维护市容环境和社会公共秩序，"
    "现将《宣州区城区养犬管理规定（征求意见稿）》全文公布，广泛征求社会各界意见。",
    "body": [
        "第一条　为了规范养犬行为，保障公民人身安全和健康，维护市容环境卫生和社会公共秩序，"
        "根据《中华人民共和国动物防疫法》等法律法规，结合本区实际，制定本规定。",
        "第二条　本规定适用于本区城市建成区范围内的养犬及相关管理活动。",
        "第三条　养犬实行登记制度。个人饲养犬只的，应当自取得犬只之日起三十日内办理养犬登记。",
        "第四条　携犬出户的，应当为犬只束犬链（绳），犬链（绳）长度不超过一点五米，并主动避让行人和车辆。",
        "第五条　携犬人应当即时清除犬只在户外排泄的粪便。",
    ],
    "how_to_respond": "电子邮箱：xzqsfj@example.gov.cn（请在邮件主题注明“养犬管理规定意见”）；"
    "通信地址：宣城市宣州区司法局立法科（邮编242000），信封上请注明“意见征集”字样。",
    "comments": [
        ("陈建国", "建议第四条增加对大型犬、烈性犬出户须佩戴嘴套的要求，小区里孩子多，家长很担心。", True),
        ("刘芳", "养犬登记能否在网上办理？建议明确办理地点和所需材料，并对按时登记、免疫的给予费用减免。", True),
        ("孙立", "第五条执行难度大，建议在公园和主要小区设置宠物粪便收集箱，并明确由谁负责日常维护。", True),
        ("周敏", "希望对流浪犬的收容问题也作出规定，明确收容场所和领养办法。", False),
    ],
}

CLOSED = {
    "title": "关于公开征求《宣州区中小学课后服务实施方案（征求意见稿）》意见的通知",
    "slug": "zqyj-khfw",
    "purpose": "为做好中小学课后服务工作，切实减轻学生过重作业负担和家长接送负担，"
    "现就《宣州区中小学课后服务实施方案（征求意见稿）》向学生家长和社会各界公开征求意见。",
    "body": [
        "一、服务对象。全区义务教育阶段学校自愿参加课后服务的学生。",
        "二、服务时间。课后服务结束时间原则上不早于当地正常下班时间，每周五天、每天不少于两小时。",
        "三、服务内容。以指导学生完成作业、自主阅读为主，开展体育、艺术、科普等活动。",
        "四、收费标准。课后服务按照成本补偿、非营利原则收取服务性收费，家庭经济困难学生予以减免。",
    ],
    "how_to_respond": "联系电话：0563-3022000；电子邮箱：xzjyj@example.gov.cn。",
    "comments": [
        ("黄晓", "建议低年级课后服务增加户外活动时间，不要全部用来写作业。", True),
        ("吴强", "希望明确课后服务收费公示的方式，每学期向家长公开收支情况。", True),
        ("郑丽", "双职工家庭下班晚，建议学校提供延时托管到六点。", False),
    ],
    "feedback": {
        "feedback_comment_count": 26,
        "feedback_adopted_count": 9,
        "feedback_reasons": "<p>征集期间共收到网上意见和电子邮件意见26条，经认真研究，采纳9条，"
        "主要集中在增加体育和户外活动、公开收支情况等方面，已在方案中修改完善。</p>"
        "<ul><li>关于课后服务全部免费的意见：课后服务所需经费由财政补助和服务性收费共同保障，"
        "按照国家有关规定实行成本补偿、非营利收费，未予采纳；家庭经济困难学生按规定减免。</li>"
        "<li>关于由学校统一组织校外培训机构进校服务的意见：与义务教育阶段减轻学生负担的有关规定不符，未予采纳。</li></ul>",
    },
}


def _interaction_column(site: Site) -> ColumnPage | None:
    return ColumnPage.objects.descendant_of(site.root_page).filter(column_type=ColumnType.INTERACTION).first()


def _moderator(site: Site):
    """The site's demo reviewer (its own unit moderates), else a superuser."""
    User = get_user_model()
    reviewer = User.objects.filter(groups=site_group(site, "reviewer"), is_active=True).order_by("pk").first()
    return reviewer or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def _consultation(site: Site, column: ColumnPage, spec: dict, start: date, end: date, **feedback) -> int:
    if ConsultationPage.objects.child_of(column).filter(slug=spec["slug"]).exists():
        return 0
    page = ConsultationPage(
        title=spec["title"],
        slug=spec["slug"],
        purpose=spec["purpose"],
        body="".join(f"<p>{paragraph}</p>" for paragraph in spec["body"]),
        start_date=start,
        end_date=end,
        how_to_respond=spec["how_to_respond"],
        comment_mode=CommentMode.MODERATED,
        live=False,
        **feedback,
    )
    column.add_child(instance=page)
    with review_waived("演示内容"):
        page.save_revision().publish()
    page.refresh_from_db()
    moderator = _moderator(site)
    tz = timezone.get_current_timezone()
    for n, (name, content, approve) in enumerate(spec["comments"]):
        submitted = datetime.combine(min(start + timedelta(days=n + 1), end), time(9 + n, 12), tzinfo=tz)
        comment = SubmitCommentAction(
            page,
            CommentInput(content=content, name=name, phone=f"1390563{n:04d}", consent=True),
            ip_address=f"198.51.100.{n + 10}",
            submitted_at=min(submitted, timezone.now()),
        ).execute()
        if approve and moderator is not None:
            ApproveCommentAction(comment, user=moderator, confirm_findings=True).execute()
    return 1


def load_demo_consultations(portal_site: Site, other_sites: Iterable[Site]) -> int:
    """An open consultation on the portal's 互动交流 and a closed one with its published feedback on the
    first other site that has a 互动交流 column (else the portal too). Safe to run again; returns how many
    consultations it created."""
    today = timezone.localdate()
    portal_column = _interaction_column(portal_site)
    if portal_column is None:
        return 0
    created = _consultation(portal_site, portal_column, OPEN, today - timedelta(days=7), today + timedelta(days=23))
    closed_site, closed_column = portal_site, portal_column
    for site in other_sites:
        column = _interaction_column(site)
        if column is not None:
            closed_site, closed_column = site, column
            break
    start, end = today - timedelta(days=75), today - timedelta(days=45)
    created += _consultation(
        closed_site,
        closed_column,
        CLOSED,
        start,
        end,
        feedback_published_on=today - timedelta(days=30),
        **CLOSED["feedback"],
    )
    return created
