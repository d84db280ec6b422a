"""Remove the placeholder site Wagtail's own migrations create.

Wagtail's initial data adds a "Welcome to your new Wagtail site!" page and a
default Site on localhost:80. In this cluster every site is created by the
provisioning service, and the first portal becomes the default site, so the
placeholder would only collide with it. Only the untouched placeholder (a plain
wagtailcore.Page at depth 2 with no children) is removed.
"""

from django.db import migrations


def remove_placeholder(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    page_type = ContentType.objects.filter(app_label="wagtailcore", model="page").first()
    if page_type is None:
        return
    placeholders = Page.objects.filter(depth=2, content_type=page_type, numchild=0, slug="home")
    for page in placeholders:
        Site.objects.filter(root_page=page).delete()
        page.delete()
        Page.objects.filter(depth=1).update(numchild=Page.objects.filter(depth=2).count())


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(remove_placeholder, migrations.RunPython.noop)]
