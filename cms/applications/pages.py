"""Every site's online application page, placed in its 政府信息公开 column at provisioning."""

from __future__ import annotations

from django.utils import timezone
from wagtail.models import Page, Site

from cms.content.models import ColumnPage, ColumnType

from .models import ApplicationPage

APPLICATION_SLUG = "ysqgk"  # 依申请公开
STANDARD_NOTICE = (
    "公民、法人或者其他组织可以向本机关申请获取相关政府信息（《中华人民共和国政府信息公开条例》第二十七条）。"
    "请如实填写申请人信息和所需政府信息的名称、文号或者便于查询的其他特征性描述。"
    "本机关自确认收到申请之日起20个工作日内答复；需要延长的，经负责人同意并告知申请人，延长期限最长不超过20个工作日。"
    "申请内容不明确的，本机关将在7个工作日内一次性告知补正。"
)


def disclosure_column(site: Site) -> ColumnPage | None:
    home = site.root_page
    if home is None:
        return None
    return ColumnPage.objects.child_of(home).filter(column_type=ColumnType.DISCLOSURE).order_by("path").first()


def add_application_page(site: Site) -> ApplicationPage | None:
    """The 依申请公开 page after the column's standing pages; None if the site has no 政府信息公开 or has one."""
    column = disclosure_column(site)
    if column is None or Page.objects.child_of(column).type(ApplicationPage).exists():
        return None
    page = ApplicationPage(
        title="依申请公开",
        slug=APPLICATION_SLUG,
        notice=STANDARD_NOTICE,
        search_description="在线提交政府信息公开申请，凭查询码查询办理进度和答复。",
        live=True,
        first_published_at=timezone.now(),
    )
    column.add_child(instance=page)
    return page
