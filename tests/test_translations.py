"""The English catalog is complete, compiled, used, and covers every string marked in the code.

Source strings (msgids) are Chinese; warmwinter/locale/en/LC_MESSAGES/django.po maps them to
English. After adding or changing a marked string: `make messages`, translate the new entries
in django.po (no empty msgstr, no `#, fuzzy`), then `make messages` again to compile the .mo.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import override

PACKAGE = Path(__file__).resolve().parent.parent / "warmwinter"
PO_PATH = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
HOW_TO_FIX = "run `make messages`, translate the new entries in warmwinter/locale/en/LC_MESSAGES/django.po, then `make messages` again"

CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


# --- a small .po parser --------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        """The key GNU gettext uses in a compiled catalog (context joined with EOT)."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"bad .po string: {text!r}"
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(path: Path = PO_PATH) -> list[Entry]:
    """Entries of a .po file (obsolete `#~` entries are skipped; the header is entry msgid "")."""
    entries: list[Entry] = []
    entry, target = Entry(), None

    def finish():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            if target is not None and target[0] == "msgstr":
                finish()
            entry.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
        elif line.startswith("#"):
            if target is not None and target[0] == "msgstr":
                finish()
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation line outside an entry"
            kind, index = target
            if kind == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, kind, (getattr(entry, kind) or "") + _unquote(line))
        else:
            keyword, _sep, value = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                target = ("msgstr", int(match.group(1)))
                entry.msgstr[target[1]] = _unquote(value)
            elif keyword == "msgstr":
                target = ("msgstr", 0)
                entry.msgstr[0] = _unquote(value)
            elif keyword in ("msgid", "msgctxt", "msgid_plural"):
                target = (keyword, 0)
                setattr(entry, keyword, _unquote(value))
                if keyword == "msgid":
                    entry.line = number
            else:
                raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po()


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    return [e for e in entries if e.msgid]


# --- (a) the catalog is complete -----------------------------------------------------------


def test_catalog_has_entries(messages):
    assert len(messages) > 100, f"{PO_PATH} looks empty: {HOW_TO_FIX}"


def test_no_empty_or_fuzzy_entries(entries, messages):
    fuzzy = [f"line {e.line}: {e.msgid or '(header)'}" for e in entries if "fuzzy" in e.flags]
    empty = [f"line {e.line}: {e.msgid}" for e in messages if not e.msgstr or not all(s.strip() for s in e.msgstr.values())]
    assert not fuzzy, "fuzzy entries (check the translation, then delete the `#, fuzzy` line):\n" + "\n".join(fuzzy)
    assert not empty, f"untranslated entries in {PO_PATH.name}:\n" + "\n".join(empty)


def test_placeholders_kept(messages):
    wrong = []
    for e in messages:
        wanted = set(PLACEHOLDER.findall(e.msgid)) | set(PLACEHOLDER.findall(e.msgid_plural or ""))
        for index, text in e.msgstr.items():
            if "python-format" in e.flags and set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append(f"line {e.line}: {e.msgid!r} -> msgstr[{index}] {text!r} (needs {sorted(wanted)})")
            if not wanted and "python-format" not in e.flags and PLACEHOLDER.search(text):
                wrong.append(f"line {e.line}: {e.msgid!r} -> {text!r} has a placeholder its msgid lacks")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_english_text_has_no_chinese_punctuation(messages):
    """Full-width punctuation left over from the Chinese source reads badly in English."""
    bad = [f"line {e.line}: {s!r}" for e in messages for s in e.msgstr.values() if re.search(r"[，。：；！？（）、“”【】]", s)]
    assert not bad, "Chinese punctuation in English msgstr:\n" + "\n".join(bad)


# --- (b) the compiled .mo matches the .po --------------------------------------------------


def _mo_catalog(path: Path) -> dict:
    with path.open("rb") as handle:
        catalog = dict(gettext.GNUTranslations(handle)._catalog)
    catalog.pop("", None)  # the header (its dates change on every makemessages run)
    return catalog


def _po_catalog(entries: list[Entry]) -> dict:
    catalog = {}
    for e in entries:
        if not e.msgid or "fuzzy" in e.flags:
            continue
        if e.msgid_plural is None:
            catalog[e.key] = e.msgstr[0]
        else:
            catalog.update({(e.key, n): text for n, text in e.msgstr.items()})
    return catalog


def test_mo_matches_po(entries):
    assert MO_PATH.exists(), f"{MO_PATH} is missing: {HOW_TO_FIX}"
    assert _mo_catalog(MO_PATH) == _po_catalog(entries), f"{MO_PATH.name} is older than {PO_PATH.name}: {HOW_TO_FIX}"


def test_mo_matches_msgfmt_output(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed")
    fresh = tmp_path / "django.mo"
    result = subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(PO_PATH)], capture_output=True, text=True)
    assert result.returncode == 0, f"msgfmt rejects {PO_PATH.name}:\n{result.stderr}"
    assert _mo_catalog(MO_PATH) == _mo_catalog(fresh), f"{MO_PATH.name} is older than {PO_PATH.name}: {HOW_TO_FIX}"


# --- (c) English is really used --------------------------------------------------------------


def test_python_strings_translate():
    from warmwinter.accounts.authentication import LOGIN_INVALID
    from warmwinter.accounts.roles import Role

    with override("en"):
        assert str(LOGIN_INVALID) == "Incorrect username or password."
        assert str(Role.VILLAGE_CLERK.label) == "Village assistance clerk"
    with override("zh-hans"):
        assert str(LOGIN_INVALID) == "用户名或密码错误。"
        assert str(Role.VILLAGE_CLERK.label) == "村协理员"


def _h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "no <h1> on the page"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.mark.django_db
def test_login_page_in_english_with_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html
    assert _h1(html) == "Sign in to WarmWinter"
    assert not CHINESE.search(_h1(html))


@pytest.mark.django_db
def test_language_switch_sets_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in" in html and not CHINESE.search(_h1(html))


@pytest.mark.django_db
def test_login_page_chinese_by_default(client):
    html = client.get("/accounts/login/").content.decode()
    assert _h1(html) == "登录暖冬"


# --- (d) every marked string in the code is in the catalog -----------------------------------

GETTEXT_FUNCTIONS = {"_", "gettext", "gettext_lazy", "gettext_noop"}
TEMPLATE_TRANSLATE = re.compile(r"""\{%\s*(?:translate|trans)\s+(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')(?P<rest>[^%]*)%\}""")
TEMPLATE_BLOCK = re.compile(r"\{%\s*(?:blocktranslate|blocktrans)\b(?P<options>[^%]*)%\}(?P<body>.*?)\{%\s*(?:endblocktranslate|endblocktrans)\s*%\}", re.S)
TEMPLATE_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def _is_built_string(node) -> bool:
    """An f-string, "..." % x, "..." + x or "...".format(x): text made at run time, never in the catalog."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return any(isinstance(side, (ast.Constant, ast.JoinedStr)) and not isinstance(getattr(side, "value", ""), (int, float))
                   for side in (node.left, node.right))
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" and isinstance(node.func.value, ast.Constant)


def _python_strings(path: Path):
    """(line, string, None) for every gettext call on a literal; (line, None, source) when the text is built at run time."""
    source = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name not in GETTEXT_FUNCTIONS:
            continue
        arg = node.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            yield node.lineno, arg.value, None
        elif _is_built_string(arg):
            yield node.lineno, None, ast.get_source_segment(source, node)


def _template_strings(path: Path):
    text = path.read_text(encoding="utf-8")
    for match in TEMPLATE_TRANSLATE.finditer(text):
        if "context" in match.group("rest").split():
            continue  # a msgctxt entry; not looked up by plain msgid
        literal = match.group(1) if match.group(1) is not None else match.group(2)
        yield text.count("\n", 0, match.start()) + 1, re.sub(r"\\(.)", r"\1", literal)
    for match in TEMPLATE_BLOCK.finditer(text):
        options, body = match.group("options").split(), match.group("body")
        if "context" in options or "count" in options or re.search(r"\{%\s*plural\s*%\}", body):
            continue
        if "trimmed" in options:
            body = " ".join(line.strip() for line in body.strip().splitlines() if line.strip())
        yield text.count("\n", 0, match.start()) + 1, TEMPLATE_VARIABLE.sub(r"%(\1)s", body.replace("%", "%%"))


def _marked_strings():
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, literal, source in _python_strings(path):
            yield path, line, literal, source
    for path in sorted((PACKAGE / "templates").rglob("*.html")) + sorted(PACKAGE.glob("*/templates/**/*.html")):
        for line, literal in _template_strings(path):
            yield path, line, literal, None


def test_every_marked_string_is_in_the_catalog(messages):
    known = {e.msgid for e in messages if e.msgctxt is None}
    missing, untranslatable = [], []
    for path, line, literal, source in _marked_strings():
        where = f"{path.relative_to(PACKAGE.parent)}:{line}"
        if literal is None:
            untranslatable.append(f"{where}: {source}")
        elif literal not in known:
            missing.append(f"{where}: {literal!r}")
    assert not untranslatable, (
        "gettext calls whose text is not a string literal cannot be extracted or translated; "
        "use _(\"... %(name)s ...\") % {\"name\": ...} instead:\n" + "\n".join(untranslatable)
    )
    assert not missing, f"strings marked for translation but not in {PO_PATH.name} ({HOW_TO_FIX}):\n" + "\n".join(missing)


def test_scanner_finds_strings():
    """Guard the scanner itself: it must see a few known strings, or test (d) proves nothing."""
    found = {literal for _path, _line, literal, _source in _marked_strings()}
    assert {"用户名或密码错误。", "登录暖冬", "第 %(n)s / %(total)s 页", "村协理员"} <= found
