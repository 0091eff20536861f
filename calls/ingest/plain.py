"""Plain-text and Markdown transcripts, with optional front matter."""

from __future__ import annotations

import re

from calls.errors import InputError
from calls.ingest.text import decode_bytes, detect_language, normalise_text
from calls.model import Document, SourceInfo

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>(?:[^\n]*\n){0,40}?)---[ \t]*(?:\n|\Z)")
_KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z_][\w-]{0,40})\s*:\s*(?P<value>.*?)\s*$")

# Front-matter keys and the Document/SourceInfo field each one sets.
_DOCUMENT_KEYS = {
    "company": "company",
    "ticker": "ticker",
    "fiscal_period": "fiscal_period",
    "period": "fiscal_period",
    "call_date": "call_date",
    "date": "call_date",
    "language": "language",
}
_SOURCE_KEYS = {"url": "url", "source_url": "url", "title": "title"}


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split `---`-delimited `key: value` front matter from the text that follows it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields: dict[str, str] = {}
    for line in match.group("body").splitlines():
        kv = _KEY_VALUE.match(line)
        if kv and kv.group("value"):
            fields[kv.group("key").lower()] = kv.group("value").strip("'\"")
    return fields, text[match.end():]


def read_plain(data: bytes, path: str) -> list[Document]:
    """Read a plain-text or Markdown transcript; front matter sets metadata."""
    raw, encoding = decode_bytes(data, path)
    return [document_from_text(raw, SourceInfo(path=path, kind="text", encoding=encoding))]


def document_from_text(raw: str, source: SourceInfo, empty: str = "the file has no text") -> Document:
    """Normalise extracted text into a Document, applying its front matter if any; `empty` is the refusal when none is left."""
    fields, body = split_front_matter(normalise_text(raw))
    text = normalise_text(body)
    if not text:
        raise InputError(source.path, empty)
    document_fields = {field: fields[key] for key, field in _DOCUMENT_KEYS.items() if key in fields}
    source_fields = {field: fields[key] for key, field in _SOURCE_KEYS.items() if key in fields}
    if source_fields:
        source = source.model_copy(update=source_fields)
    language = document_fields.pop("language", None) or detect_language(text)
    return Document.model_validate({"text": text, "source": source, "language": language, **document_fields})
