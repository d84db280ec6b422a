"""The starting texts of a site's standing 信息公开 pages, built from the site's own facts.

A new site's 政府信息公开指南, 制度 and 法定主动公开内容 are filled in when it is
provisioned (the ``after_provision_site`` hook in ``wagtail_hooks``): the parts
《中华人民共和国政府信息公开条例》(2019年修订) requires of them, with the
organisation, the office's address, phone and hours from the site profile, and
links to the site's catalogue and guide. They are ordinary rich text: editors
change them afterwards like any page, and a page that already has a text is never
overwritten (``fill_standing_pages`` may run again, as the demo loader does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape, format_html, format_html_join
from wagtail.models import Page, Site

from sites.models import SiteProfile, SiteType
from sites.page_cache import page_tag, retire_after_commit

from .models import CataloguePage, DisclosureInfoKind, DisclosureInfoPage

# 法定主动公开内容 of every administrative organ (第二十条), and the areas 第二十一条 adds for
# county-level governments and their departments, and for townships.
STATUTORY_ITEMS = (
    "行政法规、规章和规范性文件",
    "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
    "国民经济和社会发展规划、专项规划、区域规划及相关政策",
    "国民经济和社会发展统计信息",
    "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果",
    "实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定",
    "财政预算、决算信息",
    "行政事业性收费项目及其依据、标准",
    "政府集中采购项目的目录、标准及实施情况",
    "重大建设项目的批准和实施情况",
    "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
    "突发公共事件的应急预案、预警信息及应对情况",
    "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
    "公务员招考的职位、名额、报考条件等事项以及录用结果",
    "法律、行政法规、规章和国家有关规定规定应当主动公开的其他政府信息",
)
COUNTY_AREAS = ("市政建设", "公共服务", "公益事业", "土地征收", "房屋征收", "治安管理", "社会救助")
TOWNSHIP_AREAS = (
    "贯彻落实农业农村政策",
    "农田水利工程建设运营",
    "农村土地承包经营权流转",
    "宅基地使用情况审核",
    "土地征收",
    "房屋征收",
    "筹资筹劳",
    "社会救助",
)


@dataclass(frozen=True)
class DisclosureFacts:
    """What the texts say about the site: from its profile, with the usual fallbacks."""

    organisation: str
    supervisor: str  # whom a complaint goes to besides the competent department
    site_name: str
    hostname: str
    address: str
    phone: str
    hours: str
    email: str
    is_township: bool
    catalogue_id: int | None
    guide_id: int | None
    application_page_id: int | None = None  # the site's 依申请公开 page (cms.applications), if it has one

    @classmethod
    def for_site(cls, site: Site, profile: SiteProfile) -> DisclosureFacts:
        organisation = profile.organisation
        pages = DisclosureInfoPage.objects.descendant_of(site.root_page)
        catalogue = CataloguePage.objects.descendant_of(site.root_page).values_list("pk", flat=True).first()
        return cls(
            organisation=organisation.name,
            supervisor=organisation.parent.name if organisation.parent_id else "上一级行政机关",
            site_name=site.site_name,
            hostname=site.hostname,
            address=profile.disclosure_office_address or profile.contact_address,
            phone=profile.disclosure_office_phone or profile.contact_phone,
            hours=profile.office_hours,
            email=profile.contact_email,
            is_township=profile.site_type == SiteType.TOWNSHIP,
            catalogue_id=catalogue,
            guide_id=pages.filter(kind=DisclosureInfoKind.GUIDE).values_list("pk", flat=True).first(),
            application_page_id=Page.objects.descendant_of(site.root_page)
            .filter(content_type__app_label="applications", content_type__model="applicationpage")
            .values_list("pk", flat=True)
            .first(),
        )

    @property
    def local_areas(self) -> tuple[str, ...]:
        """The areas 第二十一条 adds for this kind of organ."""
        return TOWNSHIP_AREAS if self.is_township else COUNTY_AREAS


def _page_link(page_id: int | None, text: str) -> str:
    # Wagtail's stored form of an internal link: it follows the page if it moves.
    return format_html('<a linktype="page" id="{}">{}</a>', page_id, text) if page_id else escape(text)


def _list(items) -> str:
    return format_html("<ol>{}</ol>", format_html_join("", "<li>{}</li>", ((item,) for item in items)))


def _office(facts: DisclosureFacts) -> str:
    lines = [("受理机构", facts.organisation)]
    lines += [(label, value) for label, value in (("办公地址", facts.address), ("联系电话", facts.phone)) if value]
    lines.append(("办公时间", facts.hours or "法定工作日"))
    if facts.email:
        lines.append(("电子邮箱", facts.email))
    return format_html_join("", "<p>{}：{}</p>", lines)


def _online_application(facts: DisclosureFacts) -> str:
    if not facts.application_page_id:
        return ""
    return format_html(
        "<p>也可以通过本网站{}在线提交申请，提交后凭查询码和证件号码后四位查询办理进度、在线补正和查看答复。</p>",
        _page_link(facts.application_page_id, "“依申请公开”页面"),
    )


def guide_text(facts: DisclosureFacts) -> str:
    """政府信息公开指南: the parts 第十二条 requires, in the order citizens look for them."""
    catalogue = _page_link(facts.catalogue_id, "政府信息公开目录")
    return "".join(
        [
            format_html(
                "<p>为了保障公民、法人和其他组织依法获取政府信息，根据《中华人民共和国政府信息公开条例》"
                "（以下简称《条例》），编制本指南。本指南由{}负责解释，内容如有变化将及时更新。</p>",
                facts.organisation,
            ),
            "<h2>一、主动公开</h2>",
            format_html(
                "<h3>（一）公开范围</h3><p>本机关按照《条例》第二十条、第二十一条的规定主动公开政府信息，"
                "具体内容见本网站“法定主动公开内容”和{}。依法确定为国家秘密的政府信息，法律、行政法规"
                "禁止公开的政府信息，以及公开后可能危及国家安全、公共安全、经济安全、社会稳定的政府信息，"
                "不予公开；涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害的政府信息，不得公开，"
                "但第三方同意公开或者不公开会对公共利益造成重大影响的，予以公开（《条例》第十四条、"
                "第十五条）。</p>",
                catalogue,
            ),
            format_html(
                "<h3>（二）公开方式</h3><p>本机关以{}网站（{}）为主动公开政府信息的主要平台，"
                "并根据需要通过新闻发布会、报刊、广播、电视以及国家档案馆、公共图书馆、政务服务场所"
                "设置的政府信息查阅场所等途径公开。</p>",
                facts.site_name,
                facts.hostname,
            ),
            "<h3>（三）公开时限</h3><p>属于主动公开范围的政府信息，自该政府信息形成或者变更之日起"
            "20个工作日内予以公开；法律、法规对公开期限另有规定的，从其规定（《条例》第二十六条）。</p>",
            "<h2>二、依申请公开</h2>",
            "<h3>（一）受理机构</h3>",
            _office(facts),
            "<h3>（二）申请方式</h3><p>申请人应当向受理机构提出申请，采用包括信件、数据电文在内的书面形式"
            "（当面提交、邮寄、传真等）；采用书面形式确有困难的，可以口头提出，由受理机构代为填写"
            "政府信息公开申请。申请应当包括下列内容（《条例》第二十九条）：</p>",
            _online_application(facts),
            _list(
                (
                    "申请人的姓名或者名称、身份证明、联系方式",
                    "申请公开的政府信息的名称、文号或者便于行政机关查询的其他特征性描述",
                    "申请公开的政府信息的形式要求，包括获取信息的方式、途径",
                )
            ),
            "<h3>（三）答复时限</h3><p>能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起"
            "20个工作日内予以答复；需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，"
            "延长的期限最长不得超过20个工作日。征求第三方和其他机关意见所需时间不计算在答复期限内"
            "（《条例》第三十三条）。申请内容不明确的，本机关将给予指导和释明，并自收到申请之日起"
            "7个工作日内一次性告知申请人作出补正（《条例》第三十条）。</p>",
            "<h2>三、收费</h2><p>本机关依申请提供政府信息，不收取费用。申请人申请公开政府信息的数量、"
            "频次明显超过合理范围的，可以按照《政府信息公开信息处理费管理办法》收取信息处理费"
            "（《条例》第四十二条）。</p>",
            format_html(
                "<h2>四、监督和救济</h2><p>公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法"
                "权益的，可以向{}或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起"
                "行政诉讼（《条例》第五十一条）。</p>",
                facts.supervisor,
            ),
        ]
    )


def rules_text(facts: DisclosureFacts) -> str:
    """政府信息公开制度: the duties the 条例 sets, as the organisation's own rules."""
    return format_html(
        "<p>{}依据《中华人民共和国政府信息公开条例》建立以下政府信息公开工作制度。</p>{}",
        facts.organisation,
        _list(
            (
                "工作机构制度：指定政府信息公开工作机构，负责本机关政府信息公开的日常工作（第四条）。",
                "主动公开制度：属于主动公开范围的政府信息自形成或者变更之日起20个工作日内公开（第二十六条），"
                "并编制、公布和及时更新政府信息公开指南和目录（第十二条）。",
                "依申请公开制度：统一受理、登记、办理和答复政府信息公开申请，按期答复（第二十九条至第三十三条）。",
                "保密审查制度：拟公开的政府信息依法依规进行审查，不能确定是否可以公开的，报有关部门确定（第十七条）。",
                "协调制度：公开的政府信息涉及其他机关的，与有关机关协商、确认，保证公开的政府信息准确一致"
                "（第十一条）。",
                "动态调整制度：定期评估审查不予公开的政府信息，因情势变化可以公开的，予以公开（第十八条）。",
                "年度报告制度：按照规定的期限编制并公布上一年度政府信息公开工作年度报告（第四十九条、第五十条）。",
                "监督和责任追究制度：接受政府信息公开工作主管部门的指导和监督检查以及社会评议，"
                "对违反规定的行为依法追究责任（第四十七条、第五十二条、第五十三条）。",
            )
        ),
    )


def statutory_text(facts: DisclosureFacts) -> str:
    """法定主动公开内容: what 第二十条 lists and the areas 第二十一条 adds, pointing to the catalogue."""
    return "".join(
        [
            format_html(
                "<p>根据《中华人民共和国政府信息公开条例》第二十条，{}主动公开下列政府信息，"
                "可在{}中按主题和体裁查阅：</p>",
                facts.organisation,
                _page_link(facts.catalogue_id, "政府信息公开目录"),
            ),
            _list(STATUTORY_ITEMS),
            format_html(
                "<p>根据《条例》第二十一条，本机关还根据本地方的具体情况，主动公开涉及{}等方面的政府信息。</p>",
                "、".join(facts.local_areas),
            ),
            format_html(
                "<p>上述范围以外的政府信息，可以依照{}的规定申请公开。</p>",
                _page_link(facts.guide_id, "政府信息公开指南"),
            ),
        ]
    )


STANDING_TEXTS: dict[str, Callable[[DisclosureFacts], str]] = {
    DisclosureInfoKind.GUIDE: guide_text,
    DisclosureInfoKind.RULES: rules_text,
    DisclosureInfoKind.STATUTORY: statutory_text,
}


def fill_standing_pages(site: Site, profile: SiteProfile) -> int:
    """Give the site's standing pages that have no text yet their starting text; how many got one."""
    empty = list(DisclosureInfoPage.objects.descendant_of(site.root_page).filter(body="", kind__in=STANDING_TEXTS))
    if not empty:
        return 0
    facts = DisclosureFacts.for_site(site, profile)
    for page in empty:
        page.body = STANDING_TEXTS[page.kind](facts)
        # Saved as built, like the blueprint's pages: no revision, so an editor's first
        # edit starts from this text.
        page.save(update_fields=["body"])
    # A plain save publishes nothing, so nothing else retires the pages cached with no text.
    retire_after_commit(*(page_tag(page.pk) for page in empty))
    return len(empty)
