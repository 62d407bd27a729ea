"""Names as people search them: pinyin, initials, and surnames read differently from the word."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import lazy_pinyin

# Surnames whose reading differs from the everyday character (单 is Shàn, not dān ...).
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao",
    "覃": "qin", "查": "zha", "乐": "yue", "尉迟": "yuchi", "万俟": "moqi", "长孙": "zhangsun",
    "澹台": "tantai", "盖": "ge", "缪": "miao", "召": "shao", "种": "chong", "秘": "bi",
}
_COMPOUND = sorted((k for k in SURNAME_READINGS if len(k) > 1), key=len, reverse=True)
# One syllable per character, so that initials of 尉迟恭 are ycg like any three-character name.
_COMPOUND_SYLLABLES = {"尉迟": ("yu", "chi"), "万俟": ("mo", "qi"), "长孙": ("zhang", "sun"), "澹台": ("tan", "tai")}


@lru_cache(maxsize=200_000)
def syllables(name: str) -> tuple[str, ...]:
    """Tone-less pinyin per character, surname read as a surname."""
    name = (name or "").strip()
    if not name:
        return ()
    for compound in _COMPOUND:
        if name.startswith(compound):
            head = list(_COMPOUND_SYLLABLES.get(compound, (SURNAME_READINGS[compound],)))
            return tuple(head + lazy_pinyin(name[len(compound):], errors="default"))
    first = SURNAME_READINGS.get(name[0])
    rest = lazy_pinyin(name[1:], errors="default") if len(name) > 1 else []
    return tuple(([first] if first else lazy_pinyin(name[0], errors="default")) + rest)


def pinyin(name: str) -> str:
    return "".join(syllables(name))


def initials(name: str) -> str:
    return "".join(s[0] for s in syllables(name) if s)


def clean_name(raw) -> str:
    """Stray spaces (full-width too) removed: "张 三" and "张三" are one name."""
    return "".join(str(raw or "").split()).replace("\u3000", "")
