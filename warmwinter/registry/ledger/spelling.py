"""Pinyin of names at import speed: the same answer as registry.names, cached per given name.

names.syllables(name) reads the surname (one character, or a compound such as 尉迟) as a
surname and the rest with pypinyin. A province has millions of distinct full names but far
fewer given names and surnames, so each part is cached on its own. test_ledger_rows checks
that this equals names.pinyin / names.initials, so a change there cannot drift silently.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import lazy_pinyin

from warmwinter.registry import names

_COMPOUNDS = sorted((k for k in names.SURNAME_READINGS if len(k) > 1), key=len, reverse=True)


@lru_cache(maxsize=200_000)
def _given(text: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(text, errors="default")) if text else ()


def syllables(name: str) -> tuple[str, ...]:
    name = (name or "").strip()
    if not name:
        return ()
    head = next((c for c in _COMPOUNDS if name.startswith(c)), name[0])
    return tuple(names.syllables(head)) + _given(name[len(head):])


def pinyin_and_initials(name: str) -> tuple[str, str]:
    parts = syllables(name)
    return "".join(parts), "".join(s[0] for s in parts if s)
