"""The permission matrix: every role × two sites × every action, from one table.

Each role's user belongs to site A (site roles) or to the info center (cluster
roles). ``OWN`` means allowed on site A and refused on site B; ``ALL`` allowed on
both; ``NONE`` refused on both. Adding a role or an action is one more column or
row here. Push and take down go through the real actions (cms/syndication).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.permissions import policy_registry

from cms.content.models import ArticlePage
from tests.conftest import column_of, layer_value, new_site, publish_article, shared_layer, site_as_provisioned

image_policy = policy_registry.get_by_type(get_image_model())
OWN, ALL, NONE = "own", "all", "none"

SITE_ROLES = ("editor", "reviewer", "leader", "site_admin")
INFO_CENTER_ROLES = {"system_admin": "系统管理员", "security_admin": "安全管理员", "audit_admin": "审计管理员"}
ROLES = SITE_ROLES + tuple(INFO_CENTER_ROLES)

# action: expected per role, in the order of ROLES
#                         editor reviewer leader site_admin system security audit
MATRIX: dict[str, tuple[str, ...]] = {
    "view_in_admin": (OWN, OWN, OWN, OWN, ALL, NONE, NONE),
    "edit_page": (OWN, OWN, OWN, OWN, ALL, NONE, NONE),
    "publish_page": (NONE, OWN, OWN, OWN, ALL, NONE, NONE),
    # Wagtail: change + publish lets a role delete or move live pages (editors only their drafts).
    "delete_page": (NONE, OWN, OWN, OWN, ALL, NONE, NONE),
    "move_page": (NONE, OWN, OWN, OWN, ALL, NONE, NONE),
    "copy_page": (OWN, OWN, OWN, OWN, ALL, NONE, NONE),
    "alias_page": (OWN, OWN, OWN, OWN, ALL, NONE, NONE),
    "upload_to_collection": (OWN, OWN, OWN, OWN, ALL, NONE, NONE),
    # /admin/api/main/documents/ lists what the choosers offer (cms/content/media.py).
    "list_media_in_admin_api": (OWN, OWN, OWN, OWN, ALL, NONE, NONE),
    "change_site_settings": (NONE, NONE, NONE, OWN, ALL, NONE, NONE),
    "manage_accounts": (NONE, NONE, NONE, NONE, NONE, ALL, NONE),
    "wagtail_user_admin": (NONE, NONE, NONE, NONE, NONE, NONE, NONE),
    "read_audit_log": (NONE, NONE, NONE, NONE, NONE, NONE, ALL),
    # 三员分立: the 安全管理员 resets unit accounts; info-center accounts only a superuser manages.
    "reset_unit_account": (NONE, NONE, NONE, NONE, NONE, ALL, NONE),
    "reset_security_admin_account": (NONE, NONE, NONE, NONE, NONE, NONE, NONE),
    "disable_security_admin_account": (NONE, NONE, NONE, NONE, NONE, NONE, NONE),
    "reset_audit_admin_account": (NONE, NONE, NONE, NONE, NONE, NONE, NONE),
    "disable_audit_admin_account": (NONE, NONE, NONE, NONE, NONE, NONE, NONE),
    # 一键推送: what the unit may edit, i.e. its own site; the info center everywhere.
    "push": (OWN, OWN, OWN, OWN, ALL, NONE, NONE),
    # 一键下架 unpublishes: what the unit may publish; the info center everywhere; items only.
    "take_down": (NONE, OWN, OWN, OWN, ALL, NONE, NONE),
    "take_down_column_or_home": (NONE, NONE, NONE, NONE, NONE, NONE, NONE),
    # The restore screen (title, kind, reason) as the restore itself; the info center's takedowns its own.
    "restore_view_of_sites_takedown": (NONE, OWN, OWN, OWN, ALL, NONE, NONE),
    "restore_view_of_info_center_takedown": (NONE, NONE, NONE, NONE, ALL, NONE, NONE),
    # 放行 of a false-positive block finding: the groups of the item's own workflow (the matrix's
    # item is news: 简易审核, 初审 only, so not 领导).
    "override_check": (NONE, OWN, NONE, NONE, NONE, NONE, NONE),
    # 放行短语: the info center's word lists.
    "allow_list_phrase": (NONE, NONE, NONE, NONE, ALL, NONE, NONE),
    # 来信 (cms/letters): a unit opens only its own letters (with the citizen's contact details);
    # the info center (系统管理员 holds its permissions) every letter.
    "view_letter_in_admin": (OWN, OWN, OWN, OWN, ALL, NONE, NONE),
    # 受理 is the unit's own step; the info center does not accept for a unit, it dispatches (below).
    "accept_letter": (OWN, OWN, OWN, OWN, NONE, NONE, NONE),
    # The reply is approved by the unit's 审核人 or 领导, never by the info center.
    "approve_letter_reply": (NONE, OWN, OWN, NONE, NONE, NONE, NONE),
    # 分办 of a letter waiting in the info center's queue (待分办) to a unit: the info center only.
    "dispatch_letter": (NONE, NONE, NONE, NONE, ALL, NONE, NONE),
    # --- 依申请公开 (cms/applications; after the letters' rows when both are merged) ---
    # A unit opens its own cases (with the applicant's personal data); the info center (系统管理员
    # holds applications.oversee_applications) every case; 安全/审计管理员 none.
    "view_application_in_admin": (OWN, OWN, OWN, OWN, ALL, NONE, NONE),
    # The applicant's 证件材料 (an identity document's scan): whoever may open the case, no one else.
    "download_application_attachment": (OWN, OWN, OWN, OWN, ALL, NONE, NONE),
    # 登记受理 and every handling step are the unit's: the info center oversees, it does not handle.
    "register_application": (OWN, OWN, OWN, OWN, NONE, NONE, NONE),
    # The answer is approved by the unit's 审核人 or 领导 (第三十六条 answers in the agency's name).
    "approve_application_answer": (NONE, OWN, OWN, NONE, NONE, NONE, NONE),
    # 第三十三条第二款: an extension needs the head of the office's consent: the leader.
    "extend_application": (NONE, NONE, OWN, NONE, NONE, NONE, NONE),
    # 转办 to the organisation holding the information: the unit, or the info center for any case.
    "transfer_application": (OWN, OWN, OWN, OWN, ALL, NONE, NONE),
}


def _build_cluster() -> dict[str, tuple[int, int]]:
    a = new_site("jyj.example.gov.cn", name="宣州区教育局")
    b = new_site("wjw.example.gov.cn", name="宣州区卫生健康委员会")
    return {
        key: (site.pk, publish_article(column_of(site, "gzdt"), f"{site.site_name}工作动态").pk)
        for key, site in (("A", a), ("B", b))
    }


@pytest.fixture
@shared_layer(_build_cluster)  # built once for the matrix; each test rolls back what it changes
def cluster(portal, make_site, request):
    sites = {}
    for key, (site_pk, article_pk) in layer_value(request, _build_cluster).items():
        site = site_as_provisioned(site_pk)
        site.article = ArticlePage.objects.get(pk=article_pk)
        site.portal_column = column_of(portal, "ywdt/bmdt")  # 部门动态: where departments submit (信息报送)
        sites[key] = site
    return sites


@pytest.fixture
def user_in_role(make_account, make_info_center_user, cluster):
    def make(role: str):
        if role in SITE_ROLES:
            return make_account(cluster["A"], role)
        return make_info_center_user(INFO_CENTER_ROLES[role])

    return make


def _http_allowed(client, user, url: str) -> bool:
    client.force_login(user)
    response = client.get(url)
    # Refusals are Wagtail's permission_denied (redirect to the dashboard), a 403,
    # or the settings view sending the user to a site they may edit instead.
    return response.status_code == 200


def allowed(action: str, user, site, client) -> bool:
    article, column = site.article, column_of(site, "tzgg")
    perms = article.permissions_for_user(user)
    if action == "view_in_admin":
        return _http_allowed(client, user, reverse("wagtailadmin_explore", args=[site.root_page.pk]))
    if action == "edit_page":
        return _http_allowed(client, user, reverse("wagtailadmin_pages:edit", args=[article.pk]))
    if action == "publish_page":
        return perms.can_publish()
    if action == "delete_page":
        return perms.can_delete()
    if action == "move_page":
        return perms.can_move() and perms.can_move_to(column)
    if action == "copy_page":
        return _http_allowed(client, user, reverse("wagtailadmin_pages:copy", args=[article.pk])) and (
            perms.can_copy_to(column)
        )
    if action == "alias_page":
        return perms.can_copy_to(column)  # Wagtail's alias form asks exactly this of the destination
    if action == "upload_to_collection":
        collection = Collection.objects.get(name=site.site_name)
        return collection in image_policy.collections_user_has_permission_for(user, "add")
    if action == "list_media_in_admin_api":
        from django.core.files.base import ContentFile
        from wagtail.documents import get_document_model

        document = get_document_model()(title="矩阵文件", collection=Collection.objects.get(name=site.site_name))
        document.file.save("matrix.txt", ContentFile(b"matrix"), save=False)
        document.save()
        client.force_login(user)
        response = client.get("/admin/api/main/documents/")
        return response.status_code == 200 and document.pk in {item["id"] for item in response.json()["items"]}
    if action == "change_site_settings":
        url = reverse("wagtailsettings:edit", args=["sites", "siteappearance", site.pk])
        return _http_allowed(client, user, url)
    if action == "manage_accounts":
        return _http_allowed(client, user, reverse("accounts:index") + f"?site={site.pk}")
    if action == "wagtail_user_admin":
        return _http_allowed(client, user, reverse("wagtailusers_users:index")) or _http_allowed(
            client, user, reverse("wagtailusers_groups:index")
        )
    if action == "read_audit_log":
        return _http_allowed(client, user, reverse("accounts:audit_export"))
    if action.endswith("_account"):
        return _account_action_allowed(action, user, site)
    if action in ("push", "take_down"):
        from django.core.exceptions import PermissionDenied

        from cms.syndication.push import push
        from cms.syndication.takedown import take_down

        try:
            if action == "push":
                push(article, [site.portal_column], "alias", user)
            else:
                take_down(article, "withdrawn", "权限矩阵检查", user)
        except PermissionDenied:
            return False
        return True
    if action == "take_down_column_or_home":
        return _takedown_allowed(column, user) or _takedown_allowed(site.root_page, user)
    if action == "override_check":
        from cms.workflow.actions import can_override_check

        return can_override_check(article, user)
    if action == "allow_list_phrase":
        return _http_allowed(client, user, reverse("workflow_allowedphrase:add"))
    if action.endswith("_letter") or action.endswith("_letter_reply") or action == "view_letter_in_admin":
        return _letter_action_allowed(action, user, site, client)
    if "application" in action:
        return _application_action_allowed(action, user, site, client)
    if action.startswith("restore_view_of_"):
        return _http_allowed(client, user, reverse("syndication:restore", args=[_takedown_of(article, site, action)]))
    raise AssertionError(f"no check for action {action}")


def _account_action_allowed(action: str, user, site) -> bool:
    """The lifecycle action itself (where the rule lives) on a fresh target account."""
    from django.contrib.auth import get_user_model

    from cms.accounts.errors import AccountError
    from cms.accounts.lifecycle import AccountRequest, create_account, reset_password, set_account_active
    from cms.accounts.roles import AUDIT_ADMIN, SECURITY_ADMIN, info_center_group

    verb, target_kind = action.removesuffix("_account").split("_", 1)
    if target_kind == "unit":
        target, _ = create_account(
            AccountRequest(f"target{site.pk}", site, "editor", "张三", "0563-3021234"), actor=None
        )
    else:
        target = get_user_model().objects.create_user(f"target{site.pk}")
        role = {"security_admin": SECURITY_ADMIN, "audit_admin": AUDIT_ADMIN}[target_kind]
        target.groups.add(info_center_group(role))
    try:
        reset_password(target, actor=user) if verb == "reset" else set_account_active(target, False, actor=user)
    except AccountError:
        return False
    return True


def _letter_action_allowed(action: str, user, site, client) -> bool:
    """The admin view, or the real letter action, on a letter written to the site's 领导信箱."""
    from django.contrib.auth import get_user_model

    from cms.letters.actions import (
        AcceptLetterAction,
        ApproveReplyAction,
        ReturnToDispatcherAction,
        SubmitReplyAction,
        TransferLetterAction,
    )
    from cms.letters.errors import LetterError
    from sites.groups import site_group
    from tests.letters.conftest import write_letter

    letter, _ = write_letter(site)
    if action == "view_letter_in_admin":
        return _http_allowed(client, user, reverse("letters_admin:detail", args=[letter.pk]))
    author = get_user_model().objects.create_user(f"letters-{site.pk}-{letter.pk}")
    author.groups.add(site_group(site, "editor"))
    try:
        if action == "accept_letter":
            AcceptLetterAction(letter, user).execute()
        elif action == "approve_letter_reply":
            AcceptLetterAction(letter, author).execute()
            SubmitReplyAction(letter, author, reply="您好，来信收悉，答复如下。").execute()
            ApproveReplyAction(letter, user, make_public=False).execute()
        elif action == "dispatch_letter":
            ReturnToDispatcherAction(letter, author, reason="不属于本单位职责").execute()  # now 待分办
            TransferLetterAction(letter, user, to_unit=site, reason="权限矩阵检查").execute()
        else:
            raise AssertionError(f"no check for action {action}")
    except LetterError:
        return False
    return True


def _application_action_allowed(action: str, user, site, client) -> bool:
    """The admin view, or the real application step, on a case submitted to the site's 在线申请."""
    from django.contrib.auth import get_user_model

    from cms.applications.actions import (
        ApproveAnswerAction,
        DraftAnswerAction,
        ExtendAnswerAction,
        RegisterApplicationAction,
        TransferApplicationAction,
    )
    from cms.applications.errors import ApplicationError
    from sites.groups import site_group
    from tests.applications.conftest import apply

    if action == "download_application_attachment":
        from tests.applications.test_attachments import case_with_files

        author = get_user_model().objects.create_user(f"applications-{site.pk}-files")
        author.groups.add(site_group(site, "editor"))
        attachment = case_with_files(site, author).attachments.first()
        url = reverse("applications_admin:attachment", args=[attachment.application_id, attachment.pk])
        return _http_allowed(client, user, url)
    application, _ = apply(site)
    if action == "view_application_in_admin":
        return _http_allowed(client, user, reverse("applications_admin:detail", args=[application.pk]))
    author = get_user_model().objects.create_user(f"applications-{site.pk}-{application.pk}")
    author.groups.add(site_group(site, "editor"))
    try:
        if action == "register_application":
            RegisterApplicationAction(application, user).execute()
            return True
        application = RegisterApplicationAction(application, author).execute()
        if action == "approve_application_answer":
            DraftAnswerAction(
                application, author, outcome="disclosed", legal_basis="《条例》第三十六条", answer="予以公开。"
            ).execute()
            ApproveAnswerAction(application, user).execute()
        elif action == "extend_application":
            ExtendAnswerAction(application, user, working_days=10, reason="需要调取档案资料").execute()
        elif action == "transfer_application":
            from sites.models import SiteProfile

            # any other open site of the cluster
            portal = SiteProfile.objects.exclude(site_id=site.pk).exclude(status="closed").first().site_id
            TransferApplicationAction(application, user, to_unit=portal, reason="权限矩阵检查").execute()
        else:
            raise AssertionError(f"no check for action {action}")
    except ApplicationError:
        return False
    return True


def _takedown_allowed(page, user) -> bool:
    from django.core.exceptions import PermissionDenied, ValidationError

    from cms.syndication.takedown import take_down

    try:
        take_down(page, "withdrawn", "权限矩阵检查", user)
    except (PermissionDenied, ValidationError):
        return False
    return True


def _takedown_of(article, site, action: str) -> int:
    """A takedown of ``article`` by the site's own 领导, or by the info center (a superuser)."""
    from django.contrib.auth import get_user_model

    from cms.syndication.takedown import take_down
    from sites.groups import site_group

    if action == "restore_view_of_info_center_takedown":
        actor = get_user_model().objects.create_superuser(f"ic-{site.pk}")
    else:
        actor = get_user_model().objects.create_user(f"leader-{site.pk}")
        actor.groups.add(site_group(site, "leader"))
    return take_down(article, "vanish", "权限矩阵检查", actor).takedown.pk


CASES = [
    pytest.param(action, role, expected, id=f"{action}-{role}")
    for action, row in MATRIX.items()
    for role, expected in zip(ROLES, row, strict=True)
]


@pytest.mark.parametrize(("action", "role", "expected"), CASES)
def test_permission_matrix(action, role, expected, cluster, user_in_role, client):
    user = user_in_role(role)
    result = {name: allowed(action, user, site, client) for name, site in cluster.items()}
    wanted = {OWN: {"A": True, "B": False}, ALL: {"A": True, "B": True}, NONE: {"A": False, "B": False}}[expected]
    assert result == wanted, f"{role} {action}: expected {expected}"


def test_the_matrix_covers_every_role_and_action_of_the_issue():
    assert len(ROLES) == 7 and all(len(row) == len(ROLES) for row in MATRIX.values())
    assert {"push", "take_down", "upload_to_collection", "read_audit_log", "manage_accounts"} <= set(MATRIX)
    assert {"view_letter_in_admin", "accept_letter", "approve_letter_reply", "dispatch_letter"} <= set(MATRIX)


def test_uploaded_images_stay_in_their_site(cluster, user_in_role):
    """A site's editor sees only its own collection's images in the chooser's universe."""
    editor = user_in_role("editor")
    collections = set(image_policy.collections_user_has_permission_for(editor, "choose"))
    assert collections == {Collection.objects.get(name=cluster["A"].site_name)}
    assert get_image_model().objects.count() == 0  # nothing uploaded: the check is on the grants alone
