"""Demo 政府信息公开工作年度报告: this year's report of every demo organisation, entered,
generated and approved through the real actions and the sites' review workflows.

Table 2's counts come from the catalogue (the demo's 政策文件 carry no 文件类别, so its 规章 and
规范性文件 rows are 0, as an unclassified catalogue gives), table 3 from the demo's applications;
what an office enters (一、五、六, table 1's decisions, table 4) is a plausible county's.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Site

from cms.workflow.demo import approve_through_review

from .annual_report import GenerateAnnualReportAction, report_page
from .models import AnnualReportData

OVERVIEW = (
    "{name}深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
    "围绕群众关切做好主动公开，依法规范办理依申请公开，持续加强政府信息管理和平台建设。\n\n"
    "（一）主动公开。通过政府网站政府信息公开专栏及时公开机构职能、政策文件、规划计划、财政预决算等信息。\n\n"
    "（二）依申请公开。畅通网上申请渠道，严格按照法定时限答复，答复内容做到依据充分、告知明确。\n\n"
    "（三）政府信息管理。落实公开属性源头认定和保密审查，动态更新政府信息公开目录。\n\n"
    "（四）平台建设。依托区政府网站集约化平台统一发布，网站栏目保障常态化更新。\n\n"
    "（五）监督保障。将政务公开纳入年度考核，定期开展网站检查并通报。"
)
PROBLEMS = (
    "存在的问题：部分栏目更新不够及时，政策解读形式较为单一。\n\n"
    "改进措施：建立栏目更新提醒机制，丰富图文、视频等解读形式，提升解读质量。"
)


def load_annual_reports_demo(sites: dict[str, Site]) -> int:
    """Enter, generate and approve this year's report of each site's organisation without a live one; how many."""
    User = get_user_model()
    year = timezone.localdate().year
    made = 0
    for key, site in sites.items():
        organisation = site.profile.organisation
        existing = report_page(site, year)
        if existing is not None and existing.live:
            continue
        AnnualReportData.objects.update_or_create(
            organisation=organisation,
            year=year,
            defaults={
                "overview": OVERVIEW.format(name=organisation.name),
                "licensing_decisions": 36,
                "punishment_decisions": 12,
                "coercion_decisions": 1,
                "review_upheld": 1,
                "review_total": 1,
                "problems": PROBLEMS,
                "other_matters": "本年度未收取信息处理费。按要求公开人大代表建议和政协提案办理结果。",
            },
        )
        admin = User.objects.get(username=f"{key}_site_admin")
        page = GenerateAnnualReportAction(organisation, year, user=admin).execute()
        workflow = page.get_workflow()
        if workflow is not None:
            workflow.start(page, admin)
            approve_through_review(page, admin)
        made += 1
    return made
