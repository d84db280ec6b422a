"""Tie the per-site groups that existed before ``SiteGroup`` to their site and role.

Those groups were found by their display name ``<站名>·<角色>``; this is the one
and last place that matches names. A group whose site was already renamed is
recognised by its page permissions on the site's root and its role suffix.
"""

from django.db import migrations

# The roles as they were when this migration was written (sites.groups.ROLES).
ROLE_LABELS = {"editor": "编辑", "reviewer": "审核", "leader": "领导", "site_admin": "站点管理员"}


def backfill(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Group = apps.get_model("auth", "Group")
    SiteGroup = apps.get_model("sites", "SiteGroup")
    for site in Site.objects.all():
        for role, label in ROLE_LABELS.items():
            if SiteGroup.objects.filter(site=site, role=role).exists():
                continue
            group = (
                Group.objects.filter(name=f"{site.site_name}·{label}", site_role__isnull=True).first()
                or Group.objects.filter(
                    name__endswith=f"·{label}",
                    page_permissions__page_id=site.root_page_id,
                    site_role__isnull=True,
                )
                .distinct()
                .first()
            )
            if group is not None:
                SiteGroup.objects.create(site=site, role=role, group=group)


class Migration(migrations.Migration):
    dependencies = [("sites", "0004_site_group")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
