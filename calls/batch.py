"""Batch ingest: parse and analyse many files in parallel, one writer storing the results.

Files are parsed in worker processes (one per core by default); the results
stream back in order to this process, which writes them to the database in
short runs, releasing the file between runs so a second ingest can take its
turn. One bad file is reported and the batch goes on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from calls.ingest import DEFAULT_MAX_BYTES, expand_paths
from calls.model import Call
from calls.pipeline import FileError, Overrides, ParseResult, parse_paths
from calls.store import Store

# The writer holds the database for at most this many calls or seconds at a time.
WRITE_RUN_CALLS = 25
WRITE_RUN_SECONDS = 2.0


@dataclass
class IngestSummary:
    """What a batch did, file by file and call by call."""

    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    failed: list[FileError] = field(default_factory=list)
    skipped_articles: int = 0
    seconds: float = 0.0

    @property
    def calls(self) -> int:
        return len(self.ingested) + len(self.unchanged) + len(self.replaced)


def _parse_one(path: str, overrides: dict, max_bytes: int, analysis: bool = True) -> ParseResult:
    return parse_paths([Path(path)], Overrides(**overrides), max_bytes=max_bytes, analysis=analysis)


def parsed_files(files: list[Path], overrides: Overrides, max_bytes: int, jobs: int, analysis: bool = True) -> Iterator[ParseResult]:
    """Each file's result, in file order; parsed in `jobs` processes when more than one."""
    arguments = [(str(f), overrides.model_dump(), max_bytes, analysis) for f in files]
    if jobs <= 1 or len(files) <= 1:
        for args in arguments:
            yield _parse_one(*args)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # A bounded window of submitted files keeps memory flat on large batches.
        window = max(4, 4 * jobs)
        pending = [pool.submit(_parse_one, *args) for args in arguments[:window]]
        next_index = len(pending)
        while pending:
            yield pending.pop(0).result()
            if next_index < len(arguments):
                pending.append(pool.submit(_parse_one, *arguments[next_index]))
                next_index += 1


def ingest(
    paths: list[Path],
    db: Path,
    overrides: Overrides | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestSummary:
    """Parse, analyse and store files and folders; `progress(done_files, total_files)` after each file."""
    started = time.perf_counter()
    files = expand_paths(paths)
    summary = IngestSummary()
    jobs = jobs or os.cpu_count() or 1
    waiting: list[Call] = []
    run_started = time.monotonic()
    for done, result in enumerate(parsed_files(files, overrides or Overrides(), max_bytes, jobs), start=1):
        summary.failed.extend(result.errors)
        summary.skipped_articles += len(result.skipped)
        waiting.extend(result.calls)
        if len(waiting) >= WRITE_RUN_CALLS or time.monotonic() - run_started >= WRITE_RUN_SECONDS:
            _write(db, waiting, summary)
            waiting, run_started = [], time.monotonic()
        if progress:
            progress(done, len(files))
    if waiting:
        _write(db, waiting, summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _write(db: Path, calls: list[Call], summary: IngestSummary) -> None:
    with Store(db, wait=600.0) as store:
        for result in store.save_many(calls):
            getattr(summary, result.status).append(result.call_id)
