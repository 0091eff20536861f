"""Ingest on a Dask cluster: parsing and analysis run as Dask tasks, results land in a Parquet dataset.

Two passes, so the ids are exactly those a local `calls ingest` gives:
1. plan: workers segment each file (no analysis, the cheap part) and return
   each call's id, text hash and source; this process then decides, in file
   order, which id every call gets (a second call for the same company and
   period becomes `-2`, the same text twice is kept once) with the store's
   own rule (`calls.store.Placement`);
2. write: workers parse and analyse batches of files, write each batch into
   an in-memory store under the decided ids, and copy it into the dataset as
   one part (`calls.dataset.write_parts`).
Workers need this same version of calls and the same lexicons (checked per
task), and the dataset folder must be on a filesystem every worker can write.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from calls import __version__
from calls.analyse.lexicons import analyser_fingerprints, lexicon_fingerprint
from calls.batch import IngestSummary
from calls.dataset import discard, finish, remove_part, staging_for, write_parts
from calls.ingest import DEFAULT_MAX_BYTES, expand_paths
from calls.pipeline import FileError, Overrides, parse_paths
from calls.store import Placement, Store, StoredKey, key_of

PLAN_FILES_PER_TASK = 64
WRITE_FILES_PER_TASK = 16


class ClusterError(Exception):
    """The cluster cannot be used; the message says why in one line."""


class FilePlan(BaseModel):
    """One file after the planning pass: its calls' keys in order, or why it failed."""

    path: str
    keys: list[StoredKey] = []  # lexicon left out: the client places them all with its own
    skipped: int = 0
    error: FileError | None = None


class BatchResult(BaseModel):
    """What one write task did."""

    written: list[str] = []
    errors: list[FileError] = []


def _environment() -> dict[str, str]:
    """What must be the same on every worker: the calls version and the hash of each analyser's data."""
    return {"calls": __version__, **analyser_fingerprints()}


def plan_files(paths: list[str], overrides: dict, max_bytes: int) -> list[FilePlan]:
    """Task: segment each file (no analysis) and return its calls' keys."""
    plans = []
    for path in paths:
        result = parse_paths([Path(path)], Overrides(**overrides), max_bytes=max_bytes, analysis=False)
        plans.append(FilePlan(
            path=path,
            keys=[key_of(call, lexicon=None) for call in result.calls],
            skipped=len(result.skipped),
            error=result.errors[0] if result.errors else None,
        ))
    return plans


def write_files(
    files: list[tuple[str, list[str | None]]], overrides: dict, max_bytes: int, staging: str, part: int, expected: dict[str, str]
) -> BatchResult:
    """Task: parse and analyse each file, keep its calls under the planned ids (None: leave out), write one part."""
    if _environment() != expected:
        raise ClusterError(
            f"worker {os.uname().nodename} has another calls version or other lexicons than the client; install the same on every worker"
        )
    batch = BatchResult()
    lexicon = lexicon_fingerprint()
    kept = []
    for path, ids in files:
        result = parse_paths([Path(path)], Overrides(**overrides), max_bytes=max_bytes)
        if result.errors:
            batch.errors.extend(result.errors)
            continue
        if len(result.calls) != len(ids):
            batch.errors.append(FileError(path=path, reason="the file changed while it was being ingested"))
            continue
        kept.extend(call.model_copy(update={"id": call_id}) for call, call_id in zip(result.calls, ids) if call_id is not None)
    with Store(":memory:") as store:
        store.write_many(kept, lexicon)
        write_parts(store.con, Path(staging), part)
    batch.written = [call.id for call in kept]
    return batch


def _batches(items: list, size: int) -> list[list]:
    return [items[i: i + size] for i in range(0, len(items), size)]


def _connect(scheduler: str, timeout: float):
    try:
        from dask.distributed import Client
    except ImportError:
        raise ClusterError("Dask is not installed here; install it with: pip install 'calls[cluster]'") from None

    try:
        return Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError) as error:
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None


def _decide(plans: list[FilePlan], lexicon: str, summary: IngestSummary) -> list[list[str | None]]:
    """The id of each call of each file (None: a duplicate left out), in file order, as the store would place them."""
    placement = Placement(lambda call_id: [])  # a fresh dataset: nothing stored before
    positions = [(f, c) for f, plan in enumerate(plans) for c in range(len(plan.keys))]
    for position, (f, c) in enumerate(positions):
        final, status = placement.add(position, plans[f].keys[c].model_copy(update={"lexicon": lexicon}))
        getattr(summary, status).append(final)
    decided: list[list[str | None]] = [[None] * len(plan.keys) for plan in plans]
    for final, position in placement.kept.items():
        f, c = positions[position]
        decided[f][c] = final
    return decided


def ingest_on_cluster(
    paths: list[Path],
    dataset: Path,
    scheduler: str,
    overrides: Overrides | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
    connect_timeout: float = 20.0,
) -> IngestSummary:
    """Parse, analyse and write files and folders as a dataset at `dataset`, on the Dask cluster at `scheduler`."""
    started = time.perf_counter()
    files = [str(f) for f in expand_paths(paths)]
    options = (overrides or Overrides()).model_dump()
    summary = IngestSummary()
    staging = staging_for(dataset, overwrite)
    client = None
    try:
        client = _connect(scheduler, connect_timeout)
        from dask.distributed import as_completed

        plans = [
            plan
            for batch in client.gather(client.map(plan_files, _batches(files, PLAN_FILES_PER_TASK), overrides=options, max_bytes=max_bytes, pure=False))
            for plan in batch
        ]
        for plan in plans:
            summary.skipped_articles += plan.skipped
            if plan.error:
                summary.failed.append(plan.error)
        decided = _decide(plans, lexicon_fingerprint(), summary)
        work = [(plan.path, ids) for plan, ids in zip(plans, decided) if plan.error is None and any(i is not None for i in ids)]
        batches = _batches(work, WRITE_FILES_PER_TASK)
        futures = {
            client.submit(write_files, batch, options, max_bytes, str(staging), part, _environment(), pure=False, retries=1): (part, batch)
            for part, batch in enumerate(batches)
        }
        done_files = 0
        written: set[str] = set()
        for future in as_completed(futures):
            part, batch = futures[future]
            try:
                result: BatchResult = future.result()
            except ClusterError:
                raise
            except Exception as error:  # a worker lost or a task crashed: its files are reported, the rest go on
                remove_part(staging, part)  # whatever it wrote before it failed
                result = BatchResult(errors=[FileError(path=path, reason=f"failed on the cluster ({type(error).__name__}: {error})") for path, _ in batch])
            summary.failed.extend(result.errors)
            written.update(result.written)
            done_files += len(batch)
            if progress:
                progress(done_files, len(work))
        # A call counts as ingested or replaced only once its part is written.
        summary.ingested = [i for i in summary.ingested if i in written]
        summary.replaced = [i for i in summary.replaced if i in written]
        finish(staging, dataset)
    except BaseException:
        discard(staging)
        raise
    finally:
        if client is not None:
            client.close()
    summary.seconds = time.perf_counter() - started
    return summary
