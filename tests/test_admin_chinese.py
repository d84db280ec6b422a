"""The admin speaks Chinese to every role: a bounded crawl of what each role can reach.

Each role logs in and follows the admin's links (the sidebar menu, which Wagtail renders
from JSON, and every ``<a href>`` under /admin/) breadth first from the dashboard, a few
levels deep, one URL per shape (ids folded) so the crawl stays small whatever the data.
On each HTML page it reads the visible text and the placeholder/title/aria-label
attributes and fails on English words outside an allow-list of proper nouns and codes.
The JavaScript strings (Draftail, autosave) are checked in Chromium:
tests/browser/test_admin_chinese.py.
"""

from __future__ import annotations

import json
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Page

from tests.conftest import column_of, publish_article
from tests.workflow.conftest import draft_article, submit

# Words a Chinese admin may show in Latin letters: proper nouns, codes, file formats, keys.
ALLOWED_WORDS = {
    "wagtail", "rss", "url", "icp", "ip", "id", "email", "e-mail", "pdf", "csv", "xlsx", "xls", "excel",
    "html", "api", "json", "xml", "svg", "png", "jpg", "jpeg", "gif", "webp", "avif", "heic", "ico",
    "totp", "qr", "https", "http", "ctrl", "cmd", "shift", "alt", "enter", "esc", "tab", "utc", "gb",
    "kb", "mb", "px", "cn", "gov", "ok", "wps", "doc", "docx", "ppt", "pptx", "txt", "zip", "rar",
    "iso", "sha", "md", "cms", "seo", "app", "ai", "bmp", "tif", "tiff", "word",
}  # fmt: skip
ATTRIBUTES = ("placeholder", "title", "aria-label")
SKIPPED_TAGS = {"script", "style", "noscript"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Never followed: leaving, or GET views that act or stream files rather than show a page.
SKIPPED_URL = re.compile(
    r"/logout/|/jsi18n/|/sprite/|/api/|/export|[?&]export=|\.(csv|xlsx|xml|json|txt)$|/preview/|/download/"
    r"|/documents/(serve|authenticate)|/images/\d+/generate_url/|/revisions/\d+/view/|/2fa/"
)
MAX_DEPTH = 2
MAX_PAGES_PER_ROLE = 40

# What is not UI text: addresses, paths, identifiers with digits or _ . @ / -, {placeholders}.
NOT_WORDS = re.compile(r"\{[^{}]*\}|\S*[@/\\_.:#=?&%0-9]\S*|\b[A-Z]{2,}\b")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")


class _AdminPage(HTMLParser):
    """Visible text, the attributes people read, links and the sidebar's JSON of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self.json_scripts: list[str] = []
        self._skip = 0
        self._hidden = 0  # depth inside an element with the hidden attribute: nobody sees or hears it
        self._json = False
        self._option_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self._hidden or "hidden" in values:
            self._hidden += tag not in VOID_TAGS
            return
        if tag in SKIPPED_TAGS:
            self._skip += 1
            self._json = tag == "script" and values.get("type") == "application/json"
        if tag == "option":
            self._option_value = values.get("value")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if values.get("type") == "hidden":
            return
        self.texts.extend(values[name] for name in ATTRIBUTES if values.get(name))

    def handle_endtag(self, tag: str) -> None:
        if self._hidden:
            self._hidden -= 1
            return
        if tag == "option":
            self._option_value = None
        if tag in SKIPPED_TAGS and self._skip:
            self._skip -= 1
            self._json = False

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._json:
            self.json_scripts.append(data)
        elif not self._skip and data.strip() and data.strip() != self._option_value:
            # An option showing its own value is data (a time zone's name), not a label.
            self.texts.append(data.strip())


def _walk_json(value, texts: list[str], links: list[str]) -> None:
    """The sidebar's telepath-encoded menu: every item's label and url."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "label" and isinstance(item, str):
                texts.append(item)
            elif key == "url" and isinstance(item, str):
                links.append(item)
            else:
                _walk_json(item, texts, links)
    elif isinstance(value, list):
        for item in value:
            _walk_json(item, texts, links)


def english_words(text: str) -> list[str]:
    """The English words of a UI string, once addresses, identifiers and allowed names are removed."""
    text = NOT_WORDS.sub(" ", text)
    return [w for w in WORD.findall(text) if w.lower() not in ALLOWED_WORDS and len(w) > 1]


def url_shape(url: str) -> str:
    """/admin/pages/12/edit/ and /admin/pages/13/edit/?p=2 are one shape: visited once."""
    return re.sub(r"/\d+/", "/#/", url.partition("?")[0])


def crawl(client, user, user_data: set[str], seen_shapes: set[str]) -> tuple[dict[str, str], int]:
    """The UI strings with English words ``user`` meets (string -> first URL), and the number of pages read."""
    client.force_login(user)
    queue = deque([("/admin/", 0)])
    found: dict[str, str] = {}
    visited = 0
    while queue and visited < MAX_PAGES_PER_ROLE:
        url, depth = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        visited += 1
        parser = _AdminPage()
        parser.feed(response.content.decode())
        texts, links = parser.texts, parser.links
        for script in parser.json_scripts:
            try:
                _walk_json(json.loads(script), texts, links)
            except ValueError:
                continue
        for text in texts:
            if text not in user_data and english_words(text):
                found.setdefault(" ".join(text.split()), url)
        if depth >= MAX_DEPTH:
            continue
        for link in sorted(set(links)):
            link = urldefrag(link)[0]
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith("/admin/") or SKIPPED_URL.search(link):
                continue
            shape = url_shape(link)
            if shape in seen_shapes:
                continue
            seen_shapes.add(shape)
            queue.append((link, depth + 1))
    return found, visited


@pytest.fixture
def content(portal, township, department, make_user):
    """Pages of every type, one waiting for review, so listings and edit views are not empty."""
    editor = make_user(department, "editor", username="jyj_editor")
    column = column_of(department, "tzgg")
    publish_article(column, "关于开展校园安全检查的通知")
    submit(draft_article(column, "待审核的通知", user=editor), editor)
    publish_article(column_of(township, "tzgg"), "水阳镇通知")
    return editor


def role_users(portal, department, make_user, editor) -> dict[str, object]:
    """Least privileged first: a page shape is read for the first role that reaches it."""
    users: dict[str, object] = {"editor": editor}
    for role in ("reviewer", "site_admin"):
        users[role] = make_user(department, role, username=f"jyj_{role}")
    for role in ("审计管理员", "安全管理员", "信息中心", "系统管理员"):
        users[role] = make_user(None, role, username=f"ic_{len(users)}")
    users["superuser"] = get_user_model().objects.create_superuser("su_admin", "su@example.gov.cn", "Su-pass-2026!")
    return users


def test_every_role_meets_only_chinese_in_the_admin(client, portal, department, content, make_user):
    users = role_users(portal, department, make_user, content)
    # Text people typed (titles, names) is theirs, not the UI's.
    user_data = set(Page.objects.values_list("title", flat=True)) | {u.username for u in users.values()}
    # A page shape read for one role is not read again for the next (the crawl stays fast);
    # every role still reads its own dashboard and menu.
    seen_shapes: set[str] = set()
    report: dict[str, tuple[str, str]] = {}
    total = 0
    for role, user in users.items():
        seen_shapes.discard("/admin/")
        found, visited = crawl(client, user, user_data, seen_shapes)
        total += visited
        assert visited >= 1, f"{role} reached no admin page: the crawl is broken"
        for text, url in found.items():
            report.setdefault(text, (role, url))
    assert total >= 40, f"the crawl read only {total} pages"
    lines = [f"{text!r}  ({role} {url})" for text, (role, url) in sorted(report.items())]
    assert not lines, f"English in the Chinese admin ({len(lines)} strings):\n" + "\n".join(lines)


def test_the_word_filter_sees_english_and_spares_names_and_codes():
    assert english_words("Search all pages…") == ["Search", "all", "pages"]
    assert english_words("1-5 of 5 页面") == ["of"]
    assert english_words("登录Wagtail") == []
    assert english_words("访问 https://jyj.example.gov.cn/tzgg/ 或 jyj_editor@example.gov.cn，ICP备案号、RSS") == []


def test_the_strings_issue_15_named_are_chinese(client, department, content):
    # Wagtail 8 leaves these in English in zh-hans; locale/zh_Hans (LOCALE_PATHS) translates them.
    client.force_login(content)
    html = client.get("/admin/").content.decode()
    for english in ("Search all pages…", "Shortcuts", "Privacy and access", "Page types usage",
                    "Your pages and snippets in a workflow", "editor guide"):  # fmt: skip
        assert english not in html
    assert "搜索所有页面…" in html and "您在工作流中的页面和片段" in html
    listing = client.get(f"/admin/pages/{column_of(department, 'tzgg').pk}/").content.decode()
    assert " of " not in listing and "正在浏览" in listing


def test_theme_choices_are_labelled_in_chinese():
    from sites.themes import theme_choices

    assert ("base", "标准主题") in theme_choices() and ("township", "乡镇主题") in theme_choices()


@pytest.mark.django_db
def test_every_permission_is_named_in_chinese_after_migrate():
    # Django and Wagtail store their names in English ("Can add page", "Publish any page");
    # core.permission_names rewrites them after migrate, and the codenames stay as they were.
    from django.contrib.auth.models import Permission

    english = [
        f"{p.content_type.app_label}.{p.codename}: {p.name}" for p in Permission.objects.all() if english_words(p.name)
    ]
    assert not english, "\n".join(english)
    publish = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    assert publish.name == "发布任意页面"
    assert Permission.objects.get(codename="add_group").name == "可添加组"


@pytest.mark.django_db
def test_wagtail_seed_groups_and_their_workflow_are_gone():
    # A member of Wagtail's "Moderators" would publish on every site at once.
    from django.contrib.auth.models import Group
    from wagtail.models import GroupPagePermission, Workflow

    assert not Group.objects.filter(name__in=("Moderators", "Editors")).exists()
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert not GroupPagePermission.objects.filter(page__depth=1, group__info_center_role__isnull=True).exists()


def test_boolean_cells_are_read_out_in_chinese(client, department, make_user):
    # Wagtail titles the tick with the value itself: a screen reader said "True".
    admin = get_user_model().objects.create_superuser("su_bool", "su@example.gov.cn", "Su-pass-2026!")
    client.force_login(admin)
    html = client.get("/admin/users/").content.decode()
    assert "True" not in html
    assert re.search(r'<span class="w-sr-only">\s*是\s*</span>', html)
