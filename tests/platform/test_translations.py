"""The English catalogue is complete, in step with the source, and actually used.

The interface is written in Chinese (the msgids) and English is the translation. These tests
fail when a string is added to a template or to Python code without refreshing
locale/en/LC_MESSAGES/django.po, when an entry is left untranslated or fuzzy, when a
translation loses a placeholder, and when an English page still shows Chinese chrome.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.utils.translation import trim_whitespace

from services.accounts.models import User
from tenants.models import Institution
from tests.conftest import client_for, make_user

ROOT = Path(__file__).resolve().parents[2]
PO_PATH = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ("platform", "tenants", "services", "console")
TEMPLATE_SUFFIXES = (".html", ".txt")

MAKEMESSAGES = (
    "PARTYCLOUD_DEV=1 .venv/bin/python manage.py makemessages -l en "
    '--ignore ".venv/*" --ignore ".data/*" --ignore "tests/*" --ignore "bench/*" --ignore "deploy/*" '
    "--no-obsolete"
)

# Han ideographs, CJK punctuation and full-width forms: what an untranslated Chinese string leaves behind.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


# --- the catalogue ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with PO_PATH.open("rb") as po:
        return read_po(po, locale="en")


def _entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _forms(message: Message) -> tuple[list[str], list[str]]:
    """(msgid per translation form, msgstr per form): msgstr[0] pairs with msgid, the others with msgid_plural."""
    if message.pluralizable:
        ids = list(message.id)
        strings = list(message.string)
        return [ids[0]] + [ids[1]] * (len(strings) - 1), strings
    return [message.id], [message.string]


def _label(message: Message) -> str:
    text = message.id[0] if message.pluralizable else message.id
    where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
    return (
        f"{text!r}" + (f" (context {message.context!r})" if message.context else "") + (f" [{where}]" if where else "")
    )


def test_the_catalogue_is_english_and_not_fuzzy(catalog: Catalog) -> None:
    assert str(catalog.locale) == "en", "the header of django.po must say Language: en"
    assert not catalog.fuzzy, "remove the '#, fuzzy' flag from the header entry of django.po"
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    assert len(_entries(catalog)) > 100, "the English catalogue looks empty"


def _untranslated(message: Message) -> bool:
    strings = _forms(message)[1]
    return not all(s.strip() for s in strings) or (message.pluralizable and len(strings) < 2)


def test_every_entry_is_translated_and_none_is_fuzzy(catalog: Catalog) -> None:
    untranslated = [_label(m) for m in _entries(catalog) if _untranslated(m)]
    fuzzy = [_label(m) for m in _entries(catalog) if m.fuzzy]
    assert not untranslated, "untranslated entries in django.po:\n  " + "\n  ".join(untranslated)
    assert not fuzzy, "fuzzy entries in django.po (check the translation, then drop the flag):\n  " + "\n  ".join(fuzzy)


def test_translations_are_english(catalog: Catalog) -> None:
    """A msgstr with Chinese in it is a copied msgid, or a translation that was never finished."""
    chinese = [f"{_label(m)} -> {s!r}" for m in _entries(catalog) for s in _forms(m)[1] if CJK.search(s)]
    assert not chinese, "English translations that still contain Chinese:\n  " + "\n  ".join(chinese)


PRINTF = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?P<type>[diouxXeEfFgGcrsa%])")
BRACES = re.compile(r"\{\{|\}\}|\{(?P<name>[A-Za-z_]\w*)\}")


def _placeholders(text: str) -> tuple[list[str], list[str]]:
    """(sorted named placeholders with their conversion, sorted positional conversions), '%%' excluded."""
    named, positional = [], []
    for match in PRINTF.finditer(text):
        if match["type"] == "%":
            continue
        if match["name"] is not None:
            named.append(f"%({match['name']}){match['type']}")
        else:
            positional.append(match[0])
    named.extend(f"{{{m['name']}}}" for m in BRACES.finditer(text) if m["name"])
    return sorted(named), sorted(positional)


def test_translations_keep_the_placeholders_of_their_msgid(catalog: Catalog) -> None:
    mismatched = []
    for message in _entries(catalog):
        for msgid, msgstr in zip(*_forms(message), strict=True):
            if not msgstr:
                continue  # reported by the completeness test
            expected, found = _placeholders(msgid), _placeholders(msgstr)
            # Named placeholders may move and repeat, but none may be lost or invented.
            if set(expected[0]) != set(found[0]) or expected[1] != found[1]:
                mismatched.append(f"{_label(message)}: {msgid!r} has {expected}, {msgstr!r} has {found}")
    assert not mismatched, "translations whose placeholders differ from the msgid:\n  " + "\n  ".join(mismatched)


# --- the source tree --------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class SourceString:
    msgid: str
    context: str | None
    where: str


def _source_files(suffixes: tuple[str, ...]) -> Iterator[Path]:
    for directory in SOURCE_DIRS:
        for path in sorted((ROOT / directory).rglob("*")):
            parts = path.relative_to(ROOT).parts
            if path.suffix in suffixes and path.is_file() and "migrations" not in parts and "__pycache__" not in parts:
                yield path


def _where(path: Path, text: str, offset: int) -> str:
    return f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, offset) + 1}"


# Python: the calls Django's makemessages hands to xgettext as keywords, with the position of
# (context, singular) in their arguments.
PYTHON_KEYWORDS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}


def _literal(node: ast.expr) -> str | None:
    # Implicit concatenation ("a" "b") is already one Constant in the AST.
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def python_strings(path: Path) -> Iterator[SourceString]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name not in PYTHON_KEYWORDS:
            continue
        context_at, msgid_at = PYTHON_KEYWORDS[name]
        if len(node.args) <= msgid_at:
            continue
        msgid = _literal(node.args[msgid_at])
        context = _literal(node.args[context_at]) if context_at is not None else None
        if msgid is None or (context_at is not None and context is None):
            continue  # a variable: nothing to extract (xgettext cannot either)
        yield SourceString(msgid, context, f"{path.relative_to(ROOT)}:{node.lineno}")


# Templates, following django.utils.translation.template.templatize (what makemessages runs).
TEMPLATE_COMMENTS = re.compile(r"\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}", re.DOTALL)
QUOTED = r"""(?:"[^"]*"|'[^']*')"""
INLINE = re.compile(
    rf"\{{%\s*trans(?:late)?\s+(?P<msgid>{QUOTED})(?P<options>[^%]*?)%\}}",
)
BLOCK = re.compile(
    r"\{%\s*blocktrans(?:late)?\b(?P<options>[^%]*)%\}(?P<body>.*?)\{%\s*endblocktrans(?:late)?\s*%\}",
    re.DOTALL,
)
PLURAL = re.compile(r"\{%\s*plural\s*%\}")
CONTEXT = re.compile(rf"\bcontext\s+(?P<context>{QUOTED})")
BLOCK_VARIABLE = re.compile(r"\{\{\s*(?P<name>[^}|\s]+)\s*\}\}")
CONSTANT = re.compile(rf"\b_\(\s*(?P<msgid>{QUOTED})\s*\)")  # _("…") as a tag or filter argument
TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)


def _unquote(quoted: str) -> str:
    return quoted[1:-1]


def _context(options: str) -> str | None:
    match = CONTEXT.search(options)
    return _unquote(match["context"]) if match else None


def _block_msgid(body: str, *, trimmed: bool) -> str:
    # Literal text is a format string in the catalogue ('%' doubled); {{ var }} becomes %(var)s.
    pieces, last = [], 0
    for match in BLOCK_VARIABLE.finditer(body):
        pieces.append(body[last : match.start()].replace("%", "%%"))
        pieces.append(f"%({match['name']})s")
        last = match.end()
    pieces.append(body[last:].replace("%", "%%"))
    message = "".join(pieces)
    return trim_whitespace(message) if trimmed else message


def template_strings(path: Path) -> Iterator[SourceString]:
    # Comments are blanked out (keeping line numbers): makemessages does not extract from them.
    text = TEMPLATE_COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), path.read_text(encoding="utf-8"))
    for match in INLINE.finditer(text):
        msgid = _unquote(match["msgid"]).replace("%", "%%")
        yield SourceString(msgid, _context(match["options"]), _where(path, text, match.start()))
    for match in BLOCK.finditer(text):
        singular = PLURAL.split(match["body"])[0]  # with count/{% plural %}: the singular is the msgid
        trimmed = "trimmed" in match["options"].split()
        msgid = _block_msgid(singular, trimmed=trimmed)
        yield SourceString(msgid, _context(match["options"]), _where(path, text, match.start()))
    for tag in TAG.finditer(text):
        for match in CONSTANT.finditer(tag[0]):
            yield SourceString(_unquote(match["msgid"]), None, _where(path, text, tag.start()))


def source_strings() -> list[SourceString]:
    found = [s for path in _source_files((".py",)) for s in python_strings(path)]
    found += [s for path in _source_files(TEMPLATE_SUFFIXES) for s in template_strings(path)]
    return sorted(found, key=lambda s: (s.msgid, s.context or "", s.where))  # a context may be None


def test_the_extractor_finds_the_strings_it_should() -> None:
    """Guards the extraction below against silently finding nothing."""
    found = {(s.msgid, s.context) for s in source_strings()}
    for expected in [
        ("用户名", None),  # gettext_lazy in a form
        ("登录", None),  # {% translate %}
        ("您好，%(name)s", None),  # {% blocktranslate with %}
        ("%(n)s 人", None),  # {% blocktranslate count %}…{% plural %}
        ("学校代码须为 2–30 位小写字母或数字，并以字母开头。", None),  # an argument spread over lines
    ]:
        assert expected in found, f"the extractor missed {expected!r}"


def test_every_translatable_source_string_is_in_the_catalogue(catalog: Catalog) -> None:
    known = {(m.id[0] if m.pluralizable else m.id, m.context) for m in _entries(catalog)}
    missing: dict[tuple[str, str | None], list[str]] = {}
    for string in source_strings():
        if (string.msgid, string.context) not in known:
            missing.setdefault((string.msgid, string.context), []).append(string.where)
    report = [
        f"{msgid!r}" + (f" (context {context!r})" if context else "") + f"  [{', '.join(where)}]"
        for (msgid, context), where in sorted(missing.items())
    ]
    assert not missing, (
        f"{len(missing)} translatable string(s) are not in {PO_PATH.relative_to(ROOT)}:\n  "
        + "\n  ".join(report)
        + f"\nRefresh the catalogue from the repository root:\n  {MAKEMESSAGES}\nthen translate the new entries."
    )


# --- rendered pages ---------------------------------------------------------------------------


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


COMPILE_HINT = "translate it in django.po; .mo files are built by `manage.py compiletranslations` (devstack runs it)"


def _leftover_chinese(html: str, allowed: list[str]) -> list[str]:
    """Snippets around Chinese characters that are not part of an allowed (data) string."""
    for text in sorted(filter(None, allowed), key=len, reverse=True):
        html = html.replace(text, "")
    return [html[max(0, m.start() - 30) : m.end() + 30].replace("\n", " ") for m in CJK.finditer(html)]


def _switcher_names() -> list[str]:
    # The switcher names every language in that language: "简体中文" stays Chinese on purpose.
    return [name for _, name in settings.LANGUAGES]


ELEMENT = re.compile(r"<(?P<tag>title|h1|label|button|a)\b[^>]*>(?P<text>.*?)</(?P=tag)>", re.DOTALL)


def _texts(html: str) -> dict[str, list[str]]:
    """The text of each title, h1, label, button and link of a page, by tag."""
    texts: dict[str, list[str]] = {}
    for match in ELEMENT.finditer(html):
        texts.setdefault(match["tag"], []).append(" ".join(re.sub(r"<[^>]+>", " ", match["text"]).split()))
    return texts


@pytest.mark.parametrize(("path", "status"), [("/accounts/login/", 200), ("/no-such-page/", 404)])
def test_an_english_institution_page_has_no_chinese_chrome(inst_a: Institution, path: str, status: int) -> None:
    response = _english(client_for(inst_a)).get(path)
    html = response.content.decode()
    assert response.status_code == status
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en">' in html
    assert inst_a.name == "甲大学" and inst_a.name in html
    leftovers = _leftover_chinese(html, [inst_a.name, *_switcher_names()])
    assert not leftovers, f"Chinese left on the English page {path} ({COMPILE_HINT}):\n  " + "\n  ".join(leftovers)


def test_the_english_login_page_speaks_english(inst_a: Institution) -> None:
    texts = _texts(_english(client_for(inst_a)).get("/accounts/login/").content.decode())
    assert texts["title"] == ["Sign in · PartyCloud"]
    assert texts["h1"] == [inst_a.name]  # data, not chrome: the institution's own name
    assert texts["label"] == ["Username", "Password"]
    assert texts["button"] == ["简体中文", "Sign in"]  # the way back to Chinese, then the login button


def test_an_english_signed_in_portal_page_has_no_chinese_chrome(inst_a: Institution) -> None:
    member = make_user(inst_a, username="english-reader")
    response = _english(client_for(inst_a, member)).get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Sign out" in _texts(html)["button"]
    leftovers = _leftover_chinese(html, [inst_a.name, str(member), *_switcher_names()])
    assert not leftovers, f"Chinese left on the English portal ({COMPILE_HINT}):\n  " + "\n  ".join(leftovers)


def test_the_english_console_has_no_chinese_chrome(operator: User, inst_a: Institution) -> None:
    response = _english(client_for(None, operator)).get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Add institution" in _texts(html)["a"]
    data = [str(operator), *(value for row in Institution.objects.values_list("name", "region") for value in row)]
    leftovers = _leftover_chinese(html, [*data, *_switcher_names()])
    assert not leftovers, f"Chinese left on the English console ({COMPILE_HINT}):\n  " + "\n  ".join(leftovers)
