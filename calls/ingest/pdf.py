"""Reader for PDF transcripts with a text layer (pypdf)."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from calls.errors import InputError
from calls.ingest.plain import document_from_text
from calls.model import Document, SourceInfo

_PAGE_NUMBER = re.compile(
    r"(?:page\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?",
    re.IGNORECASE,
)
# Headers and footers sit at the edges of a page; only lines this close to the top or bottom are candidates,
# so a speaker name that happens to recur in the body is never dropped.
_EDGE_LINES = 3

# pypdf logs (at warning and error level) every defect it works around, some as long as a whole font
# table; the user gets one clear line from us instead, and a defect it cannot work around raises.
logging.getLogger("pypdf").setLevel(logging.CRITICAL)


def read_pdf(data: bytes, path: str) -> list[Document]:
    """Read a PDF's text layer, with running headers, footers and page numbers removed."""
    pages = _page_texts(data, path)
    source = SourceInfo(kind="pdf", path=path, encoding=None)
    text = "\n".join(_strip_running_lines(pages))
    return [document_from_text(text, source, empty="the PDF has no text layer (a scan?); run OCR first")]


def _page_texts(data: bytes, path: str) -> list[str]:
    if not data.strip():
        raise InputError(path, "the file is empty")
    if b"%PDF-" not in data[:1024]:
        raise InputError(path, "the PDF is damaged: no PDF header (is it really a PDF?)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise InputError(path, "the PDF is password-protected")
        return [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except DependencyError:
        raise InputError(path, "the PDF uses AES encryption; install the 'cryptography' package to read it") from None
    except Exception as exc:  # pypdf raises many exception types for damaged files
        raise InputError(path, f"the PDF is damaged: {_short(exc)}") from None


def _short(exc: Exception) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return message if len(message) <= 120 else message[:117] + "..."


def _edge(lines: list[str]) -> set[int]:
    """Indexes of the first and last few non-empty lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:])


def _strip_running_lines(pages: list[str]) -> list[str]:
    """Drop page numbers and lines that repeat at the page edges on more than half the pages."""
    split = [page.split("\n") for page in pages]
    edges = [_edge(lines) for lines in split]
    counts: Counter[str] = Counter()
    for lines, edge in zip(split, edges):
        counts.update({lines[i].strip() for i in edge})
    repeated = {line for line, n in counts.items() if len(pages) >= 3 and n > len(pages) / 2}

    def running(line: str) -> bool:
        return line.strip() in repeated or _PAGE_NUMBER.fullmatch(line.strip()) is not None

    return [
        "\n".join(line for i, line in enumerate(lines) if i not in edge or not running(line))
        for lines, edge in zip(split, edges)
    ]
