"""Every site's first mailbox, placed in its 互动交流 column when the site is provisioned."""

from __future__ import annotations

from django.utils import timezone
from wagtail.models import Page, Site

from cms.content.models import ColumnPage, ColumnType
from sites.models import SiteType

from .models import MailboxKind, MailboxPage

MAILBOX_SLUG = "ldxx"  # 领导信箱
STANDARD_NOTICE = (
    "本信箱受理对本单位工作的咨询、建议、投诉和求助。涉及国家秘密、商业秘密、个人隐私的内容，"
    "以及已进入信访、诉讼、仲裁、行政复议程序的事项，请通过相应渠道反映。"
    "咨询类来信一般在2个工作日内答复，建议类5个工作日内答复，涉及多个部门的复杂事项15个工作日内答复。"
)


def interaction_column(site: Site) -> ColumnPage | None:
    """The site's top-level 互动交流 column, if it has one."""
    home = site.root_page
    return (
        ColumnPage.objects.child_of(home).filter(column_type=ColumnType.INTERACTION).order_by("path").first()
        if home
        else None
    )


def add_standard_mailbox(site: Site, site_type: str) -> MailboxPage | None:
    """A 领导信箱 in the site's 互动交流 column; the portal's goes to the info center's dispatcher first,
    since the portal receives letters about every unit of the cluster."""
    column = interaction_column(site)
    if column is None or Page.objects.child_of(column).type(MailboxPage).exists():
        return None
    mailbox = MailboxPage(
        title="领导信箱",
        slug=MAILBOX_SLUG,
        mailbox_kind=MailboxKind.LEADER,
        dispatch_by_info_center=site_type == SiteType.PORTAL,
        notice=STANDARD_NOTICE,
        search_description="向本单位领导写信，查询办理进度和答复。",
        live=True,
        first_published_at=timezone.now(),
    )
    column.add_child(instance=mailbox)
    return mailbox
