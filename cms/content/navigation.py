"""Which columns a navigation shows: those the public can find something in.

A blank column (栏目 with nothing in it) is an inspection fault, and five of them
fail a site outright (DESIGN §3). A column is shown in a menu only while a page
other than a column — an item, a standing 信息公开 page, the catalogue — is
publicly listed somewhere beneath it, so a column with nothing yet stays out of
the navigation until its first item is published, with no one having to
remember to put it back. The launch checklist (``sites.launch``) names the menu
columns still empty, so a site does not open with its navigation half hidden.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet, Value
from django.db.models.functions import Concat
from wagtail.models import Page, Site
from wagtail.query import PageQuerySet

from sites.page_cache import MENU_DEPTH

from .models import ColumnPage
from .visibility import publicly_listed

# Beyond the last descendant of any path: treebeard's paths use 0-9A-Z only, so a page's
# descendants are exactly the paths after its own and up to it followed by Z's.
_LAST_DESCENDANT = Value(Page.alphabet[-1] * Page._meta.get_field("path").max_length)


def beneath_outer(pages: QuerySet) -> QuerySet:
    """Those of ``pages`` beneath the outer query's page, for a subquery (``OuterRef``)."""
    # A range, not path LIKE outer.path || '%': a pattern built from the outer row cannot use
    # the path index, and the menu then read every item of the site (60 ms at 50,000 items).
    return pages.filter(
        path__gt=OuterRef("path"), path__lte=Concat(OuterRef("path"), _LAST_DESCENDANT), depth__gt=OuterRef("depth")
    )


def content_below() -> Exists:
    """Whether anything but a column is publicly listed beneath the outer query's column."""
    return Exists(publicly_listed(beneath_outer(Page.objects.all())).not_type(ColumnPage))


def with_content(columns: PageQuerySet) -> PageQuerySet:
    """Those of ``columns`` with publicly listed content beneath them: a subquery, no extra query."""
    return columns.filter(content_below())


def holds_its_menu_column_alone(page: Page) -> bool:
    """Whether nothing but ``page`` is publicly listed beneath the top-level column above it (one
    query): its publication or withdrawal then shows or hides that column in the site's menus."""
    top_path = page.path[: MENU_DEPTH * Page.steplen]
    others = Page.objects.filter(path__startswith=top_path, depth__gt=MENU_DEPTH).exclude(pk=page.pk)
    return not publicly_listed(others).not_type(ColumnPage).exists()


def menu_columns(root: Page) -> PageQuerySet:
    """The top-level columns a site's menus are meant to show (Wagtail's 在菜单中显示)."""
    return publicly_listed(Page.objects.child_of(root)).in_menu()


def blank_menu_column_findings(site: Site, **kwargs) -> list[str]:
    """The launch checklist's finding for each menu column still empty (one query)."""
    blank = menu_columns(site.root_page).exclude(content_below()).values_list("title", flat=True)
    return [f"导航栏目“{title}”暂无内容：请先发布信息，或在该栏目的“推广”设置中取消“在菜单中显示”。" for title in blank]
