"""Parse files into Calls: ingest, segment, analyse.

This module ties the stages together for the CLI and the app; each stage
module imports only earlier ones.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from calls.analyse import analyse
from calls.errors import InputError
from calls.ingest import DEFAULT_MAX_BYTES, expand_paths, fill_metadata, read_path
from calls.model import Call, Document, SkippedArticle
from calls.segment import segment

# A feed article is kept as a call when it has at least this many speakers and a question.
MIN_SPEAKERS = 3


class Overrides(BaseModel):
    """Metadata the user states on the command line; it wins over the file and detection."""

    model_config = ConfigDict(extra="forbid")

    company: str | None = None
    ticker: str | None = None
    fiscal_period: str | None = None
    call_date: date | None = None
    language: str | None = None

    def apply(self, document: Document) -> Document:
        """The document with every stated override set."""
        return document.model_copy(update=self.model_dump(exclude_none=True))


class FileError(BaseModel):
    """A file that could not be parsed, and why, in one line."""

    path: str
    reason: str


class ParseResult(BaseModel):
    """Everything `parse_paths` found: calls, feed articles skipped, files refused."""

    calls: list[Call] = []
    skipped: list[SkippedArticle] = []
    errors: list[FileError] = []


_CALL_WORDS = re.compile(r"电话会|业绩会|earnings call|conference call", re.IGNORECASE)


def transcript_problem(call: Call) -> str | None:
    """Why a feed article is not a full transcript, or None when it is one."""
    speakers = {turn.speaker for turn in call.turns}
    if len(speakers) >= MIN_SPEAKERS and call.qa_pairs:
        return None
    found = f"{len(call.turns)} speaker turns, {len(call.qa_pairs)} questions"
    if _CALL_WORDS.search(call.source.title or ""):
        return f"a summary of a call, not its transcript ({found})"
    return f"a news article, not a transcript ({found})"


def parse_document(document: Document, overrides: Overrides | None = None) -> Call:
    """Metadata filled in (overrides first), then segmented; not analysed."""
    if overrides is not None:
        document = overrides.apply(document)
    return segment(fill_metadata(document))


def parse_file(
    path: Path, overrides: Overrides | None = None, max_bytes: int = DEFAULT_MAX_BYTES, analysis: bool = True
) -> tuple[list[Call], list[SkippedArticle]]:
    """The calls in one file. A feed dump keeps only its full transcripts; other files must hold speaker turns."""
    documents = read_path(path, max_bytes=max_bytes)
    calls: list[Call] = []
    skipped: list[SkippedArticle] = []
    for document in documents:
        call = parse_document(document, overrides)
        if document.source.kind == "feed":
            problem = transcript_problem(call)
            if problem:
                skipped.append(SkippedArticle(source=document.source, reason=problem))
                continue
        elif not call.turns:
            raise InputError(str(path), "no speaker turns found (not a transcript layout the parser knows)")
        calls.append(analyse(call) if analysis else call)
    if not calls and documents and documents[0].source.kind == "feed":
        raise InputError(str(path), f"the feed holds {len(documents)} articles but no full transcript")
    return calls, skipped


def parse_paths(
    paths: list[Path], overrides: Overrides | None = None, max_bytes: int = DEFAULT_MAX_BYTES, analysis: bool = True
) -> ParseResult:
    """Parse (and analyse) files and folders; one bad file is reported and the rest go on."""
    result = ParseResult()
    for path in expand_paths(paths):
        try:
            calls, skipped = parse_file(path, overrides, max_bytes, analysis)
        except InputError as error:
            result.errors.append(FileError(path=error.path, reason=error.reason))
            continue
        except RecursionError:
            result.errors.append(FileError(path=str(path), reason="the input is nested too deeply to read"))
            continue
        except Exception as error:  # a parser bug must not stop a batch; it is reported, not hidden
            result.errors.append(FileError(path=str(path), reason=f"internal error ({type(error).__name__}: {error}); please report it"))
            continue
        result.calls.extend(calls)
        result.skipped.extend(skipped)
    return result
