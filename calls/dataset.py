"""The calls as a Parquet dataset: the store's tables, partitioned by ticker and fiscal year.

Layout (Hive partitioning, readable by DuckDB, pandas, Spark, Polars):

    DIR/calls_dataset.json                       what wrote it, schema version, row counts
    DIR/<table>/ticker=LRCX/year=2026/part-<n>-<i>.parquet

`<table>` is each table of the store (calls, participants, turns, sentences,
qa_pairs, guidance, tags, metrics), with the same columns; `year` is the
fiscal year of the call (the call date's year when the period is unknown).
Calls without a ticker or year sit under `__HIVE_DEFAULT_PARTITION__`.

A Dask cluster writes one part per task (`write_parts`); `calls export --dataset`
writes the same layout from a local store; `attach` copies a dataset into a
store so the app, exports and `calls reanalyse` work on it unchanged. A dataset
is built in a staging folder beside its target and moved into place when whole,
so a failed run never leaves half a dataset under the target's name.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import duckdb
from pydantic import BaseModel

from calls import __version__
from calls.store import CHILD_TABLES, SCHEMA_VERSION, Store, StoreError, rollback

MANIFEST = "calls_dataset.json"
TABLES = ("calls", *CHILD_TABLES)
PARTITION_COLUMNS = ("ticker", "year")
# Hive values are typed on read; a numeric ticker such as 600519 must stay text.
_HIVE_TYPES = "{'ticker': VARCHAR, 'year': INTEGER}"


class DatasetError(Exception):
    """The dataset cannot be written or read; the message says why in one line."""


class AttachSummary(BaseModel, frozen=True):
    """What attaching a dataset did: calls added, replaced, and already there with the same text."""

    added: int
    replaced: int
    unchanged: int


def _partitioned(table: str) -> str:
    """The rows of `table` with the partition columns (`ticker`, `year`) beside them."""
    year = "coalesce(c.fiscal_year, year(c.call_date))"
    if table == "calls":
        return f"SELECT c.*, {year} AS year FROM calls c"
    return f"SELECT t.*, c.ticker AS ticker, {year} AS year FROM {table} t JOIN calls c ON t.call_id = c.id"


def write_parts(con: duckdb.DuckDBPyConnection, directory: Path, part: int) -> None:
    """Write every table of an open store into `directory` as part `part` (other parts are left alone)."""
    for table in TABLES:
        if not con.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
            continue
        target = (directory / table).as_posix().replace("'", "''")
        con.execute(
            f"COPY ({_partitioned(table)} ORDER BY ALL) TO '{target}' (FORMAT parquet, PARTITION_BY (ticker, year), "
            f"FILENAME_PATTERN 'part-{part:06d}-{{i}}', OVERWRITE_OR_IGNORE)"
        )


def remove_part(directory: Path, part: int) -> None:
    """Delete every file of one part (a task that failed after writing some of its tables)."""
    for path in Path(directory).rglob(f"part-{part:06d}-*.parquet"):
        path.unlink()


def staging_for(target: Path, overwrite: bool) -> Path:
    """A fresh, empty staging folder beside `target`; refuses a target that holds something else."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise DatasetError(f"{target}: is a file, not a folder for a dataset")
    if target.is_dir() and any(target.iterdir()):
        if not (target / MANIFEST).exists():
            raise DatasetError(f"{target}: the folder is not empty and is not a calls dataset; choose another folder")
        if not overwrite:
            raise DatasetError(f"{target}: a dataset is already there; give --overwrite to replace it")
    staging = target.with_name(f".{target.name}.partial")
    if staging.exists():
        shutil.rmtree(staging)
    try:
        staging.mkdir(parents=True)
    except OSError as error:
        raise DatasetError(f"{target}: cannot write here ({error.strerror or error})") from None
    return staging


def finish(staging: Path, target: Path) -> dict[str, int]:
    """Write the manifest and move the staged dataset to `target` (replacing an older dataset); its row counts."""
    con = duckdb.connect()
    try:
        counts = {table: _count(con, staging, table) for table in TABLES}
    finally:
        con.close()
    manifest = {
        "format": "calls dataset",
        "schema_version": SCHEMA_VERSION,
        "written_by": f"calls {__version__}",
        "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "partitioning": list(PARTITION_COLUMNS),
        "rows": counts,
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    return counts


def discard(staging: Path) -> None:
    """Remove a staging folder after a failed run."""
    shutil.rmtree(staging, ignore_errors=True)


def export_dataset(store: Store, target: Path, overwrite: bool = False) -> dict[str, int]:
    """Write the whole store as a dataset at `target`; its row counts per table."""
    staging = staging_for(target, overwrite)
    try:
        write_parts(store.con, staging, 0)
        return finish(staging, target)
    except BaseException:
        discard(staging)
        raise


def table_source(directory: Path, table: str, ticker_folder: str = "*") -> str:
    """SQL for the rows of one table of a dataset (of one `ticker=` folder), with `ticker` and `year` read from the folder names."""
    pattern = (Path(directory) / table / ticker_folder / "**" / "*.parquet").as_posix().replace("'", "''")
    return f"read_parquet('{pattern}', hive_partitioning = true, hive_types = {_HIVE_TYPES})"


def _count(con: duckdb.DuckDBPyConnection, directory: Path, table: str) -> int:
    if not (Path(directory) / table).is_dir():
        return 0
    return con.execute(f"SELECT count(*) FROM {table_source(directory, table)}").fetchone()[0]


def read_manifest(directory: Path) -> dict:
    """The dataset's manifest; a clear error when `directory` is not a calls dataset this version reads."""
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DatasetError(f"{directory}: not a calls dataset (no {MANIFEST})") from None
    except (OSError, ValueError) as error:
        raise DatasetError(f"{path}: cannot read it ({error})") from None
    version = manifest.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise DatasetError(f"{directory}: dataset schema version {version!r}; this calls reads up to {SCHEMA_VERSION}")
    if version < SCHEMA_VERSION:
        raise DatasetError(f"{directory}: dataset schema version {version}, older than this calls ({SCHEMA_VERSION}); write it again")
    return manifest


def attach(store: Store, directory: Path) -> AttachSummary:
    """Copy a dataset's calls into the store, one company (`ticker=` folder) per transaction.

    A call whose id is already stored with the same text and lexicon is left
    as it is; with another text it is replaced by the dataset's. Each call is
    written whole or not at all; after a failure, attaching again goes on
    where it stopped. A company at a time keeps memory flat on large datasets.
    """
    read_manifest(directory)
    con = store.con
    duplicated = con.execute(f"SELECT id FROM {table_source(directory, 'calls')} GROUP BY id HAVING count(*) > 1 LIMIT 1").fetchone()
    if duplicated:
        raise DatasetError(f"{directory}: call {duplicated[0]} appears twice in the dataset")
    columns = {table: store.columns(table) for table in TABLES}
    added = replaced = unchanged = 0
    for folder in sorted(p.name for p in (Path(directory) / "calls").glob("ticker=*")):
        counts = _attach_company(con, Path(directory), folder, columns)
        added, replaced, unchanged = added + counts[0], replaced + counts[1], unchanged + counts[2]
    return AttachSummary(added=added, replaced=replaced, unchanged=unchanged)


def _attach_company(con: duckdb.DuckDBPyConnection, directory: Path, folder: str, columns: dict[str, list[str]]) -> tuple[int, int, int]:
    """Attach the calls under one `ticker=` folder in one transaction: (added, replaced, unchanged)."""
    con.execute("BEGIN TRANSACTION")
    try:
        # Only the keys are held; the rows stream from the files into the tables below.
        con.execute(f"CREATE TEMP TABLE incoming AS SELECT id, content_hash, lexicon FROM {table_source(directory, 'calls', folder)}")
        unchanged, replaced = con.execute(
            "SELECT count(*) FILTER (WHERE s.content_hash = i.content_hash AND s.lexicon IS NOT DISTINCT FROM i.lexicon),"
            " count(*) FILTER (WHERE s.content_hash <> i.content_hash OR s.lexicon IS DISTINCT FROM i.lexicon)"
            " FROM incoming i JOIN calls s ON s.id = i.id"
        ).fetchone()
        con.execute(
            "DELETE FROM incoming WHERE id IN (SELECT s.id FROM calls s JOIN incoming i ON s.id = i.id"
            " WHERE s.content_hash = i.content_hash AND s.lexicon IS NOT DISTINCT FROM i.lexicon)"
        )
        for table in CHILD_TABLES:
            con.execute(f"DELETE FROM {table} WHERE call_id IN (SELECT id FROM incoming)")
        con.execute("DELETE FROM calls WHERE id IN (SELECT id FROM incoming)")
        for table in TABLES:
            if (directory / table / folder).is_dir():
                con.execute(
                    f"INSERT INTO {table} SELECT {', '.join(columns[table])} FROM {table_source(directory, table, folder)}"
                    f" WHERE {'id' if table == 'calls' else 'call_id'} IN (SELECT id FROM incoming)"
                )
        added = con.execute("SELECT count(*) FROM incoming").fetchone()[0] - replaced
        con.execute("DROP TABLE incoming")
        con.execute("COMMIT")
    except duckdb.Error as error:
        rollback(con)
        raise StoreError(f"could not attach {directory / 'calls' / folder}: {' '.join(str(error).split())[:300]}") from None
    return added, replaced, unchanged
