"""The project's zh_Hans catalogues (locale/zh_Hans/LC_MESSAGES, domains django and djangojs).

Every entry is translated into Chinese, keeps its placeholders, and the committed .mo files
(CI has no gettext) match their .po. No database: the catalogues are read from disk.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import DjangoTranslation

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")
TAG = re.compile(r"<[^>]*>|&\w+;")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

# Wagtail renders this one only when the page has no child pages, so its plural's
# %(descendant_count)s (always 0 there) is left out of the translation.
PLURAL_PLACEHOLDERS_DROPPED = {
    "Deleting this page will also delete %(translation_count)s translation of this page.": {"%(descendant_count)s"},
}


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural and msgstr (a list, one per plural form)."""
    entries: list[dict] = []
    entry: dict = {}
    key: tuple[str, int] | str | None = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#"):
            if not line and "msgid" in entry:
                entries.append(entry)
                entry, key = {}, None
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += value
            else:
                entry[key] += value
            continue
        match = re.fullmatch(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")', line)
        assert match, f"{path.name}: cannot parse {line!r}"
        name, index, value = match.group(1), match.group(2), ast.literal_eval(match.group(3))
        if name == "msgstr":
            entry.setdefault("msgstr", [])
            entry["msgstr"].append(value)
            key = ("msgstr", int(index or 0))
        else:
            entry[name] = value
            key = name
    return entries


def messages(domain: str) -> list[dict]:
    return [entry for entry in parse_po(LC_MESSAGES / f"{domain}.po") if entry["msgid"]]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def latin_words(text: str) -> list[str]:
    return LATIN_WORD.findall(TAG.sub(" ", PLACEHOLDER.sub(" ", text)))


@pytest.mark.parametrize("domain", DOMAINS)
def test_header_declares_one_plural_form(domain):
    header = parse_po(LC_MESSAGES / f"{domain}.po")[0]
    assert header["msgid"] == ""
    assert "charset=UTF-8" in header["msgstr"][0]
    assert "Language: zh_Hans" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=1; plural=0;" in header["msgstr"][0]


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_is_translated_into_chinese(domain):
    entries = messages(domain)
    assert entries
    untranslated = []
    for entry in entries:
        msgstr = entry["msgstr"]
        if len(msgstr) != 1 or not msgstr[0].strip():
            untranslated.append(entry["msgid"])
        elif not CJK.search(msgstr[0]) and latin_words(msgstr[0]):
            # Without Chinese only when no English word is left, as in "%(field_label)s:" or
            # "%(action)s by <b>%(who)s</b>" -> "%(action)s：<b>%(who)s</b>".
            untranslated.append(entry["msgid"])
    assert not untranslated, f"{domain}.po: untranslated or still English:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("domain", DOMAINS)
def test_no_duplicate_messages(domain):
    keys = [(entry.get("msgctxt"), entry["msgid"]) for entry in messages(domain)]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("domain", DOMAINS)
def test_placeholders_are_kept(domain):
    wrong = []
    for entry in messages(domain):
        source = entry.get("msgid_plural", entry["msgid"])
        expected = placeholders(source) - PLURAL_PLACEHOLDERS_DROPPED.get(entry["msgid"], set())
        if placeholders(entry["msgstr"][0]) != expected:
            wrong.append(f"{source!r} -> {entry['msgstr'][0]!r}")
    assert not wrong, f"{domain}.po: placeholders differ:\n" + "\n".join(wrong)


@pytest.mark.parametrize("domain", DOMAINS)
def test_compiled_catalogue_matches_po(domain):
    """The committed .mo is compiled from the current .po (run msgfmt after editing it)."""
    with open(LC_MESSAGES / f"{domain}.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    expected = {}
    for entry in messages(domain):
        msgid = entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if "msgid_plural" in entry:
            expected[(msgid, 0)] = entry["msgstr"][0]
        else:
            expected[msgid] = entry["msgstr"][0]
    compiled = {key: value for key, value in catalog.items() if key != "" and key != ("", 0)}
    assert compiled == expected


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        ("Insert a block", "插入区块"),
        ("Write something or type ‘/’ to insert a block", "输入内容，或键入“/”插入区块"),
    ],
)
def test_javascript_catalogue_is_loaded(msgid, msgstr):
    with translation.override("zh-hans"):
        js = DjangoTranslation("zh-hans", domain="djangojs")
        assert js.gettext(msgid) == msgstr


def test_server_side_catalogue_is_loaded():
    with translation.override("zh-hans"):
        assert translation.gettext("API tokens") == "API 令牌"
        assert (
            translation.ngettext("There is one matching page", "There are %(counter)s matching pages", 3)
            % {"counter": 3}
            == "有 3 个匹配的页面"
        )
