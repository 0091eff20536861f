"""Reader for HTML transcript pages (standard library parser only)."""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from calls.ingest.plain import document_from_text
from calls.ingest.text import decode_bytes
from calls.model import Document, SourceInfo

# Elements that end a paragraph; their content is separated by a blank line.
_BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 section article blockquote pre table ul ol header footer hr "
    "main nav aside figure figcaption dl dt dd address form".split()
)
# Elements that end a line but not a paragraph.
_LINES = frozenset({"br", "li", "tr"})
_CELLS = frozenset({"td", "th"})
_DROPPED = frozenset({"script", "style", "noscript", "template", "svg", "head"})
_HEAD_CONTENT = frozenset({"head", "title", "meta", "link", "base", "style", "script", "noscript", "template"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class _TextExtractor(HTMLParser):
    """Collects visible text, the title and the page URL in one pass; keeps no element stack."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.og_url: str | None = None
        self.canonical: str | None = None
        self._dropped: dict[str, int] = {}
        self._in_title = False
        self._title_done = False
        self._pre = 0
        # Trailing newlines already written, so consecutive blocks add no extra blank lines.
        self._newlines = 2
        # True when the next text starts a line or follows a space, so its leading space is redundant.
        self._space_before = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if tag == "meta" and attr.get("property", "").lower() == "og:url" and attr.get("content"):
            self.og_url = self.og_url or attr["content"].strip()
        elif tag == "link" and "canonical" in attr.get("rel", "").lower().split() and attr.get("href"):
            self.canonical = self.canonical or attr["href"].strip()
        elif tag not in _HEAD_CONTENT:
            # Browsers end an unclosed <head> at the first body element; so must we, or it swallows the page.
            self._dropped.pop("head", None)
        if tag in _DROPPED:
            self._dropped[tag] = self._dropped.get(tag, 0) + 1
        elif tag == "title" and not self._title_done and not self._dropped.get("svg"):
            self._in_title = True
        elif tag == "pre":
            self._pre += 1
        self._separate(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._dropped.get(tag):
            self._dropped[tag] -= 1
        elif tag == "title" and self._in_title:
            self._in_title = False
            self._title_done = True
        elif tag == "pre" and self._pre:
            self._pre -= 1
        # <br/> arrives as a start and an end tag; only the start breaks the line.
        if tag != "br":
            self._separate(tag)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._dropped.get("head") and data.strip() and sum(self._dropped.values()) == self._dropped["head"]:
            self._dropped.pop("head")  # text directly in <head> also means the body has begun
        if any(self._dropped.values()):
            return
        if self._pre:
            self._emit(data)
            return
        text = _HTML_SPACE.sub(" ", data)
        if self._space_before:
            text = text.lstrip(" \u00a0")
        if text:
            self._emit(text)

    def _separate(self, tag: str) -> None:
        if any(self._dropped.values()):
            return
        if tag in _BLOCKS:
            self._newlines_up_to(2)
        elif tag in _LINES:
            # Every <br> counts (two make a blank line); <li>/<tr> only end the current line.
            self._newlines_up_to(self._newlines + 1 if tag == "br" else 1)
        elif tag in _CELLS and not self._space_before:
            self._emit(" ")

    def _newlines_up_to(self, count: int) -> None:
        if self._newlines < count:
            self._emit("\n" * (count - self._newlines))

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        body = text.rstrip("\n")
        self._newlines = len(text) - len(body) if body else self._newlines + len(text)
        self._space_before = text.endswith((" ", "\n"))


def _decode(data: bytes, path: str) -> tuple[str, str]:
    text, encoding = decode_bytes(data, path)
    if encoding.startswith("utf"):
        return text, encoding
    # Not UTF: the page's own <meta charset> beats a guess (e.g. windows-1252 misread as GB18030).
    match = _META_CHARSET.search(data[:4096])
    if match:
        declared = match.group(1).decode("ascii").lower()
        try:
            if codecs.lookup(declared).name != codecs.lookup(encoding).name:
                return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass
    return text, encoding


def read_html(data: bytes, path: str) -> list[Document]:
    """Read an HTML transcript page: visible text with paragraphs kept apart, plus title and URL."""
    markup, encoding = _decode(data, path)
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    title = _HTML_SPACE.sub(" ", "".join(parser.title_parts)).strip() or None
    source = SourceInfo(kind="html", path=path, encoding=encoding, title=title, url=parser.og_url or parser.canonical)
    return [document_from_text("".join(parser.parts), source, empty="the HTML page has no text")]
