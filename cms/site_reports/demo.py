"""Demo 政府网站工作年度报表: this year's report of every demo site, filled in, generated and
approved through the real actions and the sites' review workflows.

The figures the system holds (visits, items, interpretations, letters, consultations) are
its own; what a site's admin enters (办事服务, 安全防护, 移动新媒体 …) is a plausible county
site's, written here. The report is due by 31 January for the year before; the demo shows
the current year's, as an info center sees it taking shape in December.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Site

from cms.workflow.demo import approve_through_review

from .actions import GenerateReportPageAction, SaveReportAction
from .models import SiteReport


def entered_values(site: Site, key: str, *, portal: bool) -> dict[str, str]:
    """The rows the site's admin enters, as the form posts them."""
    profile = site.profile
    scale = 10 if portal else 1
    return {
        "interpretation_products": str(2 * scale),
        "media_comments": str(scale),
        "hot_responses": str(3 * scale),
        "service_catalogue": "yes",
        "registered_users": "3.20" if portal else "0.15",
        "service_items": str(120 * scale),
        "online_service_items": str(96 * scale),
        "cases_total": "4.80" if portal else "0.36",
        "cases_natural": "3.60" if portal else "0.30",
        "cases_legal": "1.20" if portal else "0.06",
        "unified_platform": "yes",
        "interviews": "4" if portal else "0",
        "interview_questions": "86" if portal else "0",
        "interview_answers": "80" if portal else "0",
        "smart_qa": "yes" if portal else "no",
        "security_assessments": "4",
        "security_issues": "3",
        "security_fixed": "3",
        "security_monitoring": "yes",
        "emergency_drills": "yes",
        "security_officer": "yes",
        "has_new_media": "yes",
        "wechat_name": f"{profile.organisation.short_name or site.site_name}发布",
        "wechat_posts": str(180 * scale),
        "wechat_subscribers": str(2600 * scale),
        "innovation_search": "yes",
        "innovation_multilingual": "no",
        "innovation_accessible": "yes",
        "innovation_personalised": "no",
        "unit_name": profile.sponsor or site.site_name,
        "principal": "王建国",
        "reviewer": "李明",
        "filler": "张晓燕",
        "contact_phone": profile.contact_phone or "0563-3021234",
        "filled_on": timezone.localdate().isoformat(),
        "icp_number": profile.icp_number or "皖ICP备05000000号",
        "police_record_number": profile.police_record_number or "皖公网安备 34180202000001号",
    }


def load_site_reports_demo(sites: dict[str, Site], *, portal_key: str = "portal") -> int:
    """Fill, generate and approve this year's report of each site that has none yet; how many."""
    User = get_user_model()
    year = timezone.localdate().year
    made = 0
    # The portal's last: its report column lists the others', and its own report fills it.
    for key in sorted(sites, key=lambda k: k == portal_key):
        site = sites[key]
        if SiteReport.objects.filter(site=site, year=year, page__live=True).exists():
            continue
        admin = User.objects.get(username=f"{key}_site_admin")
        SaveReportAction(site, year, entered_values(site, key, portal=key == portal_key), admin).execute()
        page = GenerateReportPageAction(site, year, admin).execute()
        approve_through_review(page, admin)
        made += 1
    return made
