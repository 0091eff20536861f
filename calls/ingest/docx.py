"""Reader for Word (.docx) transcripts (python-docx)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from docx.document import Document as WordDocument
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from calls.errors import InputError
from calls.ingest.plain import document_from_text
from calls.model import Document, SourceInfo


def read_docx(data: bytes, path: str) -> list[Document]:
    """Read a DOCX: paragraphs and table rows in document order, a blank line between them."""
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_blocks(document))
        title = (document.core_properties.title or "").strip() or None
    except Exception:  # zipfile, lxml and python-docx each raise their own errors for damaged files
        raise InputError(path, "the DOCX file is damaged or not a Word document") from None
    source = SourceInfo(kind="docx", path=path, encoding=None, title=title)
    text = "\n\n".join(block for block in blocks if block.strip())
    return [document_from_text(text, source, empty="the DOCX file has no text")]


def _blocks(document: WordDocument) -> Iterator[str]:
    """Each paragraph's text, and each table row's cells joined by a space."""
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item.text
        elif isinstance(item, Table):
            for row in item.rows:
                yield " ".join(cell.text.strip() for cell in _distinct_cells(row.cells) if cell.text.strip())


def _distinct_cells(cells: list[_Cell]) -> list[_Cell]:
    # A horizontally merged cell is returned once per grid column it spans; keep it once.
    distinct: list[_Cell] = []
    for cell in cells:
        if not distinct or cell._tc is not distinct[-1]._tc:
            distinct.append(cell)
    return distinct
