"""开通检查: what a 筹建 site must have before the info center opens it to the public.

A site that opens with blank columns or without its footer marks fails an
inspection outright (≥ 5 blank columns is a veto, DESIGN §3), so opening
(``sites.services.OpenSiteAction``) runs this checklist and refuses with what it
finds. The cluster checks its own facts (网站标识码, 备案号, 主办单位); the
editorial apps add theirs (blank columns in the navigation, the disclosure
guide) with the Wagtail hook ``site_launch_check``, so this module imports none
of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from wagtail import hooks
from wagtail.models import Site

from .models import SiteProfile, site_id_code_validator

# fn(site, profile) -> Iterable[str]: each string says, in Chinese, what is missing and where to fix it.
SITE_LAUNCH_CHECK = "site_launch_check"


def profile_findings(profile: SiteProfile) -> Iterable[str]:
    """The footer marks every government site must show, read from its profile (子站档案)."""
    try:
        site_id_code_validator(profile.site_id_code)
    except ValidationError:
        yield "网站标识码缺失或格式不正确：请在“站群管理 › 子站”的子站档案中填写10位网站标识码。"
    if not profile.sponsor.strip():
        yield "页脚缺少主办单位：请在子站档案中填写。"
    if not profile.icp_number.strip():
        yield "页脚缺少ICP备案号：请在子站档案中填写（如“皖ICP备05000000号”）。"
    if not profile.police_record_number.strip():
        yield "页脚缺少公安机关备案号：请在子站档案中填写（如“皖公网安备 34180202000001号”）。"


def launch_findings(site: Site, profile: SiteProfile) -> list[str]:
    """Everything that keeps the site from opening; empty when it may open."""
    findings = list(profile_findings(profile))
    for check in hooks.get_hooks(SITE_LAUNCH_CHECK):
        findings.extend(check(site=site, profile=profile))
    return findings
