"""The demo cluster: a district portal, three townships and three departments.

It builds on every app (sites, content, disclosure, accounts, workflow,
syndication), which is why it is an app of its own that none of them imports.

Organisation codes, 网站标识码 and 备案号 here are illustrative placeholders;
the articles are real Chinese e-government texts (``articles.json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from cms.accounts.demo import load_demo_accounts
from cms.applications.demo import load_applications_demo
from cms.consultations.demo import load_demo_consultations
from cms.content.models import ArticlePage, ColumnPage
from cms.disclosure.demo import load_annual_reports_demo
from cms.disclosure.metadata import DisclosureTerm, Genre, Validity
from cms.disclosure.models import InterpretationPage, PolicyDocumentPage, Topic
from cms.disclosure.standing_pages import fill_standing_pages
from cms.letters.demo import load_letters_demo
from cms.monitoring.demo import load_monitoring_demo
from cms.site_reports.demo import load_site_reports_demo
from cms.syndication.demo import load_syndication_demo
from cms.visits.demo import load_visits_demo
from cms.workflow.demo import load_workflow_demo
from core.publishing import review_waived
from sites.groups import ROLES, site_group
from sites.models import Organisation, OrganisationKind, SiteStatus, SiteType
from sites.services import ProvisionSiteAction, SubsiteRequest

ARTICLES_FILE = Path(__file__).with_name("articles.json")
PORTAL_ORG = "宣城市宣州区人民政府"
DEMO_OFFICE_HOURS = "工作日上午8:30—12:00，下午14:30—17:30（夏季下午15:00—18:00）"


@dataclass(frozen=True)
class DemoSite:
    key: str
    hostname: str
    site_name: str
    site_type: str
    organisation: str
    short_name: str
    index_code: str
    site_id_code: str
    phone: str


DEMO_SITES = (
    DemoSite(
        "portal",
        "localhost",
        "宣州区人民政府",
        SiteType.PORTAL,
        PORTAL_ORG,
        "区政府",
        "003195380",
        "3418020001",
        "0563-3021234",
    ),
    DemoSite(
        "shuiyang",
        "shuiyang.localhost",
        "水阳镇人民政府",
        SiteType.TOWNSHIP,
        "宣州区水阳镇人民政府",
        "水阳镇",
        "003195401",
        "3418020011",
        "0563-2701001",
    ),
    DemoSite(
        "liqiao",
        "liqiao.localhost",
        "狸桥镇人民政府",
        SiteType.TOWNSHIP,
        "宣州区狸桥镇人民政府",
        "狸桥镇",
        "003195402",
        "3418020012",
        "0563-2711002",
    ),
    DemoSite(
        "chengjiang",
        "chengjiang.localhost",
        "澄江街道办事处",
        SiteType.TOWNSHIP,
        "宣州区澄江街道办事处",
        "澄江街道",
        "003195403",
        "3418020013",
        "0563-3051003",
    ),
    DemoSite(
        "jyj",
        "jyj.localhost",
        "宣州区教育局",
        SiteType.DEPARTMENT,
        "宣城市宣州区教育局",
        "区教育局",
        "003195501",
        "3418020021",
        "0563-3022101",
    ),
    DemoSite(
        "wjw",
        "wjw.localhost",
        "宣州区卫生健康委员会",
        SiteType.DEPARTMENT,
        "宣城市宣州区卫生健康委员会",
        "区卫健委",
        "003195502",
        "3418020022",
        "0563-3022102",
    ),
    DemoSite(
        "sjj",
        "sjj.localhost",
        "宣州区数据资源管理局",
        SiteType.DEPARTMENT,
        "宣城市宣州区数据资源管理局",
        "区数据资源局",
        "003195503",
        "3418020023",
        "0563-3022103",
    ),
)

ORG_KIND = {
    SiteType.PORTAL: OrganisationKind.PORTAL,
    SiteType.TOWNSHIP: OrganisationKind.TOWNSHIP,
    SiteType.DEPARTMENT: OrganisationKind.DEPARTMENT,
}


# Which corpus items go into the disclosure catalogue, and as what.
PAGE_TYPE_BY_COLUMN = {"zcwj": PolicyDocumentPage, "zcjd": InterpretationPage}
CATALOGUE_COLUMNS = {"zcwj", "tzgg"}
TOPIC_BY_SITE = {"jyj": "科技、教育", "wjw": "卫生、体育"}
DEFAULT_TOPIC = "综合政务"
# Illustrative links between the demo's 政策解读 texts and the policies they discuss.
INTERPRETS = {
    "政务平台存在的问题和建议": "国务院关于加快推进全国一体化在线政务服务平台建设的指导意见",
    "“互联网+”政务": "国务院关于加快推进“互联网+政务服务”工作的指导意见",
}
# A yearly plan lapses with its year: shows the 已失效 banner in the demo.
EXPIRED = {"晋中市人民政府办公厅关于印发晋中市推进全市2008年电子政务建设的实施意见的通知": "2008-12-31"}


def genre_from_title(title: str) -> str:
    """体裁 from a document title's last word (…的通知 → 通知), else 其他."""
    for genre in sorted(Genre.values, key=len, reverse=True):
        if genre != Genre.OTHER and title.endswith(genre):
            return genre
    return Genre.OTHER


def load_articles() -> list[dict]:
    return json.loads(ARTICLES_FILE.read_text(encoding="utf-8"))["articles"]


@transaction.atomic
def load_demo(*, admin_password: str, port: int = 80, progress=None) -> dict[str, int]:
    """Build (or complete) the demo cluster; safe to run any number of times.

    ``port`` is the port the demo is served on, so links between sites (and the
    closed-site notice's link to the portal) point where the server listens.
    """
    counts = {"sites": 0, "articles": 0, "users": 0}
    portal_org = _organisation(DEMO_SITES[0], parent=None)
    sites: dict[str, Site] = {}
    for spec in DEMO_SITES:
        org = portal_org if spec.key == "portal" else _organisation(spec, parent=portal_org)
        site = Site.objects.filter(hostname=spec.hostname).first()
        if site is None:
            site = ProvisionSiteAction(
                SubsiteRequest(
                    hostname=spec.hostname,
                    port=port,
                    site_name=spec.site_name,
                    site_type=spec.site_type,
                    organisation=org,
                    site_id_code=spec.site_id_code,
                    sponsor=f"{PORTAL_ORG}办公室" if spec.key == "portal" else org.name,
                    icp_number="皖ICP备05000000号",
                    police_record_number="皖公网安备 34180202000001号",
                    contact_address="安徽省宣城市宣州区",
                    contact_phone=spec.phone,
                    disclosure_office_address=f"安徽省宣城市宣州区{spec.site_name}政务公开窗口",
                    office_hours=DEMO_OFFICE_HOURS,
                    theme="township" if spec.site_type == SiteType.TOWNSHIP else "base",
                    status=SiteStatus.OPEN,  # the demo shows a running cluster
                )
            ).execute()
            counts["sites"] += 1
        fill_standing_pages(site, site.profile)  # a demo loaded before the texts existed gets them too
        sites[spec.key] = site
        counts["users"] += _demo_accounts(spec, site, admin_password)

    articles = load_articles()
    for article in progress(articles) if progress else articles:
        counts["articles"] += _add_article(sites[article["site"]], article)
    for spec in DEMO_SITES:
        for item in starting_items(spec, sites[spec.key]):
            counts["articles"] += _add_article(sites[spec.key], item)
    counts["users"] += _admin(admin_password)
    counts["users"] += load_demo_accounts(admin_password)
    load_workflow_demo(sites.values())  # review workflows and the demo word lists
    counts["pushes"] = load_syndication_demo(sites)  # push in three directions, inbox, a withdrawal
    counts["letters"] = load_letters_demo(sites)  # every state: answered and public, overdue, transferred
    others = [site for key, site in sites.items() if key != "portal"]
    counts["consultations"] = load_demo_consultations(sites["portal"], others)  # one open, one closed with feedback
    counts["applications"] = load_applications_demo(sites)  # every state; one overdue, one extended, one consulting
    counts["visits"] = load_visits_demo(sites)  # 30 days of readers, through the counters and the aggregation
    counts["recent_items"] = load_monitoring_demo(sites)  # recent news, an amber township, a faulty department
    counts["site_reports"] = load_site_reports_demo(sites)  # this year's 年度报表, approved through review
    counts["annual_reports"] = load_annual_reports_demo(sites)  # this year's 信息公开年报, the same way
    return counts


def _organisation(spec: DemoSite, parent: Organisation | None) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        name=spec.organisation,
        defaults={
            "short_name": spec.short_name,
            "kind": ORG_KIND[spec.site_type],
            "parent": parent,
            "index_code": spec.index_code,
        },
    )
    return org


def _add_article(site: Site, article: dict) -> int:
    root = site.root_page
    column_slug = article["column"]
    column = ColumnPage.objects.get(url_path=f"{root.url_path}{column_slug}/")
    if ArticlePage.objects.child_of(column).filter(title=article["title"]).exists():
        return 0
    published = timezone.make_aware(datetime.strptime(article["published"], "%Y-%m-%d %H:%M"))
    # Until 发文字号 is shown from the metadata everywhere, it also heads the body,
    # as on the printed document.
    lines = ([article["document_number"]] if article.get("document_number") else []) + article["paragraphs"]
    page_class = PAGE_TYPE_BY_COLUMN.get(column_slug.rsplit("/", 1)[-1], ArticlePage)
    page = page_class(
        title=article["title"],
        source=article["source"],
        publication_date=published,
        body="".join(f"<p>{escape(line)}</p>" for line in lines),
        live=False,
    )
    if column_slug in CATALOGUE_COLUMNS or page_class is PolicyDocumentPage:
        _catalogue_metadata(page, site, article, published)
    column.add_child(instance=page)
    if page_class is InterpretationPage and article["title"] in INTERPRETS:
        page.interprets.set(PolicyDocumentPage.objects.filter(title=INTERPRETS[article["title"]]))
    with review_waived("演示内容"):
        page.save_revision().publish()
    return 1


# What a new site's 概况 and 办事服务 columns start with, written from its own facts, so no
# column of the demo's menus is blank (an inspection fault): the corpus has no such texts.
SERVICE_PORTAL = "安徽政务服务网（https://www.ahzwfw.gov.cn/）"


def starting_items(spec: DemoSite, site: Site) -> list[dict]:
    """The starting items of the site's overview (概况) and service (办事服务) columns, as corpus entries."""
    profile = site.profile
    organisation = profile.organisation
    published = f"{timezone.localtime(site.root_page.first_published_at):%Y-%m-%d %H:%M}"
    hours = profile.office_hours or DEMO_OFFICE_HOURS  # a demo loaded before profiles had hours
    contact = f"办公地址：{profile.contact_address}；联系电话：{profile.contact_phone}；办公时间：{hours}。"
    overview_column = {SiteType.TOWNSHIP: "xzgk", SiteType.DEPARTMENT: "bmgk"}.get(spec.site_type)
    items = []
    if overview_column:
        kind = "乡镇（街道）" if spec.site_type == SiteType.TOWNSHIP else "工作部门"
        items.append(
            {
                "column": overview_column,
                "title": f"{organisation.name}概况",
                "paragraphs": [
                    f"{organisation.name}是{PORTAL_ORG}下辖的{kind}，依法履行本级政府信息公开、政务服务等职责。",
                    contact,
                ],
            }
        )
    if spec.site_type != SiteType.DEPARTMENT:  # the department blueprint has no 办事服务 column
        items.append(
            {
                "column": "bsfw",
                "title": "网上办事入口",
                "paragraphs": [
                    f"{organisation.name}的政务服务事项统一在{SERVICE_PORTAL}公布办事指南并受理申请，"
                    "可在网上查询办理条件、所需材料、办理时限，提交申请并查看办理进度。",
                    f"现场办理请到{profile.contact_address}，办公时间：{hours}。",
                    f"咨询电话：{profile.contact_phone}；政务服务便民热线：12345。",
                ],
            }
        )
    return [item | {"published": published, "source": organisation.name} for item in items]


def _catalogue_metadata(page: ArticlePage, site: Site, article: dict, published: datetime) -> None:
    site_key = next(spec.key for spec in DEMO_SITES if spec.hostname == site.hostname)
    page.in_catalogue = True
    page.issuing_organisation = site.profile.organisation
    page.document_number = article.get("document_number", "")
    # 成文日期 where the text states it (the signing date), else the publication date.
    formed = article.get("date_formed")
    page.date_formed = datetime.strptime(formed, "%Y-%m-%d").date() if formed else timezone.localtime(published).date()
    page.topic = Topic.objects.get(parent=None, name=TOPIC_BY_SITE.get(site_key, DEFAULT_TOPIC))
    page.genre = genre_from_title(article["title"])
    page.disclosure_term = DisclosureTerm.LONG_TERM
    # The first paragraph is often the salutation (各县、市、区人民政府：); the
    # first substantial one says what the document is about.
    page.summary = next((p for p in article["paragraphs"] if len(p) >= 40), article["paragraphs"][0])[:200]
    if article["title"] in EXPIRED:
        page.validity = Validity.EXPIRED
        page.validity_changed_on = datetime.strptime(EXPIRED[article["title"]], "%Y-%m-%d").date()


def _demo_accounts(spec: DemoSite, site: Site, password: str) -> int:
    """An editor and a reviewer for the site, e.g. ``jyj_editor`` / ``jyj_reviewer``."""
    User = get_user_model()
    created = 0
    for role in ROLES:
        username = f"{spec.key}_{role.key}"
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(
            username=username,
            password=password,
            first_name=f"{spec.short_name}{role.label}",
            email=f"{username}@example.gov.cn",  # the review workflow's notifications reach them (console in dev)
        )
        user.groups.add(site_group(site, role.key))
        created += 1
    return created


def _admin(password: str) -> int:
    User = get_user_model()
    if User.objects.filter(username="admin").exists():
        return 0
    User.objects.create_superuser("admin", "admin@localhost", password)
    return 1
