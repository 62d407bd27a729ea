"""Reading pages in tests: the visible text of one element, found by its id."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Finder(HTMLParser):
    def __init__(self, element_id: str):
        super().__init__()
        self.element_id, self.depth, self.found, self.parts = element_id, 0, False, []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            if tag not in VOID:
                self.depth += 1
        elif dict(attrs).get("id") == self.element_id and not self.found:
            self.found, self.depth = True, (1 if tag not in VOID else 0)

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of(html: str, element_id: str) -> str:
    """The text inside the element with this id, whitespace squeezed; AssertionError when there is none."""
    finder = _Finder(element_id)
    finder.feed(html)
    assert finder.found, f"no #{element_id} on the page"
    return " ".join(" ".join(finder.parts).split())
