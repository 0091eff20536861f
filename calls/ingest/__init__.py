"""Readers by input kind; `read_path` picks the right one for a file."""

from __future__ import annotations

from pathlib import Path

from calls.errors import InputError
from calls.ingest.feed import looks_like_feed, read_feed
from calls.ingest.metadata import fill_metadata

__all__ = ["read_path", "read_bytes", "expand_paths", "fill_metadata", "TRANSCRIPT_EXTENSIONS", "DEFAULT_MAX_BYTES"]
from calls.ingest.plain import document_from_text
from calls.ingest.text import decode_bytes
from calls.model import Document, SourceInfo

# Extensions read when a folder is given.
TRANSCRIPT_EXTENSIONS = (".txt", ".md", ".markdown", ".text", ".html", ".htm", ".xhtml", ".pdf", ".docx", ".json")

DEFAULT_MAX_BYTES = 100 * 1024 * 1024


def read_bytes(data: bytes, path: str) -> list[Document]:
    """Read a transcript file's bytes into Documents (a feed dump gives one per article), metadata not yet filled."""
    suffix = Path(path).suffix.lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        from calls.ingest.pdf import read_pdf

        return read_pdf(data, path)
    if suffix == ".docx":
        from calls.ingest.docx import read_docx

        return read_docx(data, path)
    if suffix == ".json":
        from calls.ingest.jsonapi import read_json

        return read_json(data, path)
    if suffix in (".html", ".htm", ".xhtml") or _starts_like_html(data):
        from calls.ingest.html import read_html

        return read_html(data, path)
    text, encoding = decode_bytes(data, path)
    if looks_like_feed(text):
        documents = read_feed(text, path, encoding)
        if not documents:
            raise InputError(path, "looks like a news-feed dump but holds no readable article")
        return documents
    return [document_from_text(text, SourceInfo(path=path, kind="text", encoding=encoding))]


def _starts_like_html(data: bytes) -> bool:
    head = data[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def read_path(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """Read one file into Documents (metadata as the input states it; see `fill_metadata`). Raises InputError."""
    shown = str(path)
    if path.is_dir():
        raise InputError(shown, "is a folder; give its files or use a folder argument")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(shown, f"cannot read the file: {exc.strerror or exc}") from None
    if size > max_bytes:
        raise InputError(shown, f"the file is {size / 1e6:.1f} MB, above the {max_bytes / 1e6:.0f} MB limit (raise it with --max-size)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(shown, f"cannot read the file: {exc.strerror or exc}") from None
    return read_bytes(data, shown)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files named directly, and transcript files under named folders (recursively, sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TRANSCRIPT_EXTENSIONS and not p.name.startswith("."))
            )
        else:
            files.append(path)
    return files
