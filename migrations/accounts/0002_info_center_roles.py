"""三员分立: the info-center groups 系统管理员 / 安全管理员 / 审计管理员, and each existing
site's 站点管理员 may edit that site's appearance settings (new sites get it at provisioning)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# As cms.accounts.roles.INFO_CENTER_ROLE_PERMISSIONS was then (a migration must not import app code);
# the roles are kept in step after every migrate (cms.accounts.handlers).
ROLES = {
    "系统管理员": [
        ("wagtailadmin", "access_admin"),
        ("sites", "add_siteprofile"),
        ("sites", "change_siteprofile"),
        ("sites", "view_siteprofile"),
        ("sites", "add_organisation"),
        ("sites", "change_organisation"),
        ("sites", "view_organisation"),
        ("sites", "change_siteappearance"),
    ],
    "安全管理员": [("wagtailadmin", "access_admin"), ("accounts", "manage_accounts"), ("sites", "view_siteprofile")],
    "审计管理员": [("wagtailadmin", "access_admin"), ("accounts", "view_audit_log")],
}


def seed(apps, schema_editor):
    # Permissions are normally made after the last migration (post_migrate); make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Site = apps.get_model("wagtailcore", "Site")
    GroupSitePermission = apps.get_model("wagtailcore", "GroupSitePermission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    change_appearance = Permission.objects.get(content_type__app_label="sites", codename="change_siteappearance")
    for site in Site.objects.all():
        group = Group.objects.filter(name=f"{site.site_name}·站点管理员").first()
        if group is not None:
            GroupSitePermission.objects.get_or_create(group=group, site=site, permission=change_appearance)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("sites", "0003_site_appearance"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0095_groupsitepermission"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
