"""The embedded database: one DuckDB file holding every call.

Each call is kept whole (its `Call` JSON, so the store gives back exactly the
Call it was given) and projected into tables for queries and exports:
participants, turns, sentences, qa_pairs, guidance, tags, metrics. A call is
written in one transaction; its content hash makes writing the same text again
a no-op and a changed text a clean replacement.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
from pydantic import BaseModel

from calls.analyse.lexicons import analyser_fingerprints, lexicon_fingerprint
from calls.ingest.metadata import company_by_name_or_ticker
from calls.model import Call

SCHEMA_VERSION = 2
DEFAULT_DB = "calls.duckdb"
DB_ENV = "CALLS_DB"

# Each migration takes the database from the version before it to its number.
MIGRATIONS: dict[int, list[str]] = {
    1: [
        "CREATE TABLE calls (id VARCHAR PRIMARY KEY, company VARCHAR, ticker VARCHAR, fiscal_period VARCHAR,"
        " fiscal_year INTEGER, fiscal_quarter INTEGER, calendar_year INTEGER, calendar_quarter INTEGER,"
        " call_date DATE, language VARCHAR, source_path VARCHAR, source_kind VARCHAR, url VARCHAR, title VARCHAR,"
        " content_hash VARCHAR, lexicon VARCHAR, ingested_at TIMESTAMP, turns INTEGER, analysts INTEGER,"
        " questions INTEGER, guidance_items INTEGER, net_tone DOUBLE, call_json VARCHAR)",
        "CREATE TABLE participants (call_id VARCHAR, name VARCHAR, role VARCHAR, title VARCHAR, firm VARCHAR, aliases VARCHAR[])",
        "CREATE TABLE turns (call_id VARCHAR, idx INTEGER, speaker VARCHAR, role VARCHAR, section VARCHAR,"
        " start_char INTEGER, end_char INTEGER, text VARCHAR)",
        "CREATE TABLE sentences (call_id VARCHAR, idx INTEGER, turn INTEGER, start_char INTEGER, end_char INTEGER, text VARCHAR,"
        " words INTEGER, characters INTEGER, positive INTEGER, negative INTEGER, uncertainty INTEGER,"
        " numbers INTEGER, specific_numbers INTEGER)",
        "CREATE TABLE qa_pairs (call_id VARCHAR, idx INTEGER, exchange INTEGER, analyst VARCHAR, firm VARCHAR,"
        " question_turns INTEGER[], answer_turns INTEGER[], answered_by VARCHAR[], non_answer VARCHAR,"
        " non_answer_cues VARCHAR[], on_topic DOUBLE)",
        "CREATE TABLE guidance (call_id VARCHAR, idx INTEGER, metric VARCHAR, segment VARCHAR, period VARCHAR,"
        " low DOUBLE, high DOUBLE, point DOUBLE, unit VARCHAR, basis VARCHAR, qualifier VARCHAR, speaker VARCHAR,"
        " turn INTEGER, sentence VARCHAR, start_char INTEGER, end_char INTEGER)",
        "CREATE TABLE tags (call_id VARCHAR, kind VARCHAR, category VARCHAR, cue VARCHAR, turn INTEGER, sentence INTEGER,"
        " start_char INTEGER, end_char INTEGER)",
        "CREATE TABLE metrics (call_id VARCHAR, scope VARCHAR, key VARCHAR, role VARCHAR, turns INTEGER, sentences INTEGER,"
        " words INTEGER, size INTEGER, positive INTEGER, negative INTEGER, uncertainty INTEGER, net_tone DOUBLE,"
        " hedges_epistemic INTEGER, hedges_approximator INTEGER, hedges_conditional INTEGER, hedge_density DOUBLE,"
        " forward_looking INTEGER, forward_looking_density DOUBLE, uncertainty_density DOUBLE, numbers INTEGER,"
        " numeric_share DOUBLE, specific_number_share DOUBLE, themes VARCHAR, readability VARCHAR)",
    ],
    # The hash of each analyser's data per call, for `calls reanalyse`.
    2: ["ALTER TABLE calls ADD COLUMN analysers VARCHAR"],
}
CHILD_TABLES = ("participants", "turns", "sentences", "qa_pairs", "guidance", "tags", "metrics")


class StoreError(Exception):
    """The database cannot do what was asked; the message says why in one line."""


class SaveResult(BaseModel, frozen=True):
    """What writing one call did: `ingested`, `unchanged` or `replaced`, under which id."""

    call_id: str
    status: str

    @classmethod
    def of(cls, placed: tuple[str, str]) -> SaveResult:
        """From `Placement.add`'s (id, status)."""
        return cls(call_id=placed[0], status=placed[1])


class StoredKey(BaseModel, frozen=True):
    """What decides where a call goes: the id, text hash, lexicon and source of a call already stored."""

    id: str
    content_hash: str
    lexicon: str | None
    source_path: str | None
    url: str | None


def key_of(call: Call, lexicon: str | None) -> StoredKey:
    """The placing key of a call analysed with `lexicon`."""
    return StoredKey(id=call.id, content_hash=call.content_hash, lexicon=lexicon, source_path=call.source.path, url=call.source.url)


def place(call: StoredKey, stored: list[StoredKey]) -> tuple[str, str]:
    """The id for an incoming call among the stored calls, and whether it is `ingested`, `replaced` or `unchanged`.

    The same text keeps its id (re-analysed when the lexicon changed); the same
    source with a new text replaces it; another call for the same company and
    period gets the next free `-2`, `-3`… id.
    """
    rows = [r for r in stored if r.id == call.id or re.fullmatch(re.escape(call.id) + r"-\d+", r.id)]
    for row in rows:
        if row.content_hash == call.content_hash:
            return row.id, ("unchanged" if row.lexicon == call.lexicon else "replaced")
    for row in rows:
        if row.source_path == call.source_path or (row.url and row.url == call.url):
            return row.id, "replaced"
    taken = {r.id for r in rows}
    if call.id not in taken:
        return call.id, "ingested"
    number = 2
    while f"{call.id}-{number}" in taken:
        number += 1
    return f"{call.id}-{number}", "ingested"


class Placement:
    """Places a run of calls one after another, each as if the ones before it were already written.

    `stored(call_id)` gives the keys already stored for a call id and its
    `-2`, `-3`… variants. A later call placed under the same id as an earlier
    one in the run (the same source with another text) replaces it: only the
    last holder of each id is in `kept`.
    """

    def __init__(self, stored: Callable[[str], list[StoredKey]]) -> None:
        self.stored = stored
        self.placed: dict[str, list[StoredKey]] = {}  # by the incoming id: keys placed in this run
        self.kept: dict[str, int] = {}  # final id -> position in the run of the call that holds it

    def add(self, position: int, key: StoredKey) -> tuple[str, str]:
        """The final id and status of the call at `position` in the run."""
        run = self.placed.setdefault(key.id, [])
        taken_here = {k.id for k in run}
        final, status = place(key, [r for r in self.stored(key.id) if r.id not in taken_here] + run)
        if status != "unchanged":
            self.placed[key.id] = [k for k in run if k.id != final] + [key.model_copy(update={"id": final})]
            self.kept[final] = position
        return final, status


def default_path() -> Path:
    """`$CALLS_DB`, else `calls.duckdb` in the working directory."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


class Store:
    """An open calls database. Use as a context manager; `read_only` for list/show/export."""

    def __init__(self, path: Path | str | None = None, read_only: bool = False, wait: float = 60.0) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no database here yet (run `calls ingest` first, or give --db)")
        self.con = _connect(self.path, read_only, wait)
        self._columns: dict[str, list[str]] = {}
        try:
            self._check_schema()
        except Exception:
            self.con.close()
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (and release the file lock)."""
        self.con.close()

    # Schema -----------------------------------------------------------------

    def _check_schema(self) -> None:
        tables = {row[0] for row in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "meta" not in tables:
            if tables:
                raise StoreError(f"{self.path}: this DuckDB file is not a calls database (it has other tables)")
            if self.read_only:
                raise StoreError(f"{self.path}: the database is empty")
            self._migrate(0)
            return
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: the database has schema version {version}, newer than this calls ({SCHEMA_VERSION}); upgrade calls to read it"
            )
        if version < SCHEMA_VERSION:
            if self.read_only:
                raise StoreError(f"{self.path}: the database has schema version {version}; open it once for writing to migrate it")
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        self.con.execute("BEGIN TRANSACTION")
        try:
            if version == 0:
                self.con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target]:
                    self.con.execute(statement)
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
            self.con.execute("COMMIT")
        except Exception:
            rollback(self.con)
            raise

    def schema_version(self) -> int:
        """The schema version of the open database."""
        return int(self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])

    # Writing ----------------------------------------------------------------

    def save(self, call: Call) -> SaveResult:
        """Write one call in one transaction: unchanged if already stored, replaced if its source changed."""
        return self.save_many([call])[0]

    def save_many(self, calls: list[Call]) -> list[SaveResult]:
        """Write a run of calls in one transaction, each placed as `save` would place it one after another."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        lexicon = lexicon_fingerprint()
        placement = Placement(self._stored_keys)
        results = [SaveResult.of(placement.add(i, key_of(call, lexicon))) for i, call in enumerate(calls)]
        kept = [calls[i].model_copy(update={"id": final}) for final, i in sorted(placement.kept.items(), key=lambda item: item[1])]
        self.write_many(kept, lexicon)
        return results

    def write_many(self, calls: list[Call], lexicon: str) -> None:
        """Write calls under their own ids in one transaction (one insert per table), replacing whatever had those ids."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        if not calls:
            return
        ids = [call.id for call in calls]
        tables: dict[str, list[dict]] = {"calls": [], **{table: [] for table in CHILD_TABLES}}
        for call in calls:
            tables["calls"].append(dict(zip(self.columns("calls"), _call_row(call, lexicon), strict=True)))
            for table, rows in _rows(call).items():
                tables[table].extend(rows)
        self.con.execute("BEGIN TRANSACTION")
        try:
            if self.con.execute("SELECT 1 FROM calls WHERE list_contains(?, id) LIMIT 1", [ids]).fetchone():
                for table in CHILD_TABLES:
                    self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, call_id)", [ids])
                self.con.execute("DELETE FROM calls WHERE list_contains(?, id)", [ids])
            for table, rows in tables.items():
                if rows:
                    self.con.register("incoming_rows", pa.Table.from_pylist(rows))
                    try:
                        self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_rows")
                    finally:
                        self.con.unregister("incoming_rows")
            self.con.execute("COMMIT")
        except Exception as error:
            rollback(self.con)
            which = ids[0] if len(ids) == 1 else f"{len(ids)} calls ({ids[0]}…)"
            raise StoreError(f"{self.path}: could not write {which}: {_one_line(error)}") from None

    def columns(self, table: str) -> list[str]:
        """A table's column names, in order."""
        if table not in self._columns:
            self._columns[table] = [
                r[0] for r in self.con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", [table]
                ).fetchall()
            ]
        return self._columns[table]

    def _stored_keys(self, call_id: str) -> list[StoredKey]:
        """The stored calls under `call_id` or one of its `-2`, `-3`… variants."""
        rows = self.con.execute(
            "SELECT id, content_hash, lexicon, source_path, url FROM calls WHERE id = ? OR id LIKE ? ORDER BY id",
            [call_id, call_id + "-%"],
        ).fetchall()
        return [StoredKey(**dict(zip(StoredKey.model_fields, row, strict=True))) for row in rows]

    def analysed_with(self, call_id: str) -> dict[str, str]:
        """The hash of each analyser's data when the call was analysed (empty when unknown)."""
        row = self.con.execute("SELECT analysers FROM calls WHERE id = ?", [call_id]).fetchone()
        return json.loads(row[0]) if row and row[0] else {}

    def delete(self, call_id: str) -> bool:
        """Remove a call; False when it was not there."""
        if not self.con.execute("SELECT 1 FROM calls WHERE id = ?", [call_id]).fetchone():
            return False
        self.con.execute("BEGIN TRANSACTION")
        for table in CHILD_TABLES:
            self.con.execute(f"DELETE FROM {table} WHERE call_id = ?", [call_id])
        self.con.execute("DELETE FROM calls WHERE id = ?", [call_id])
        self.con.execute("COMMIT")
        return True

    # Reading ----------------------------------------------------------------

    def get(self, call_id: str) -> Call:
        """The stored Call, exactly as it was given."""
        row = self.con.execute("SELECT call_json FROM calls WHERE id = ?", [call_id]).fetchone()
        if row is None:
            raise StoreError(f"no call {call_id!r} in {self.path} (see `calls list`)")
        return Call.model_validate_json(row[0])

    def ids(self) -> list[str]:
        """Every stored call id, in order."""
        return [r[0] for r in self.con.execute("SELECT id FROM calls ORDER BY ticker, fiscal_year, fiscal_quarter, id").fetchall()]

    def frame(self, sql: str, params: list | None = None):
        """A query's result as a pandas DataFrame."""
        return self.con.execute(sql, params or []).df()

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("calls", *CHILD_TABLES)}


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Undo the open transaction; a failed COMMIT (a full disk) has already ended it."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


def _connect(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting while another process holds its lock; a damaged file is reported, never recreated."""
    deadline = time.monotonic() + wait
    announced = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
            message = str(error)
            if "Could not set lock" in message or "Conflicting lock" in message:
                if time.monotonic() >= deadline:
                    holder = re.search(r"\(PID (\d+)\)", message)
                    who = f" (PID {holder.group(1)})" if holder else ""
                    raise StoreError(f"{path}: locked by another process{who}; waited {wait:.0f} s") from None
                if not announced:
                    import sys

                    print(f"{path}: in use by another process; waiting for it…", file=sys.stderr)
                    announced = True
                time.sleep(0.2)
                continue
            if "not a valid DuckDB database" in message:
                raise StoreError(f"{path}: not a valid DuckDB database file (damaged?); it was left as it is") from None
            if "Permission denied" in message or "Read-only file system" in message or "read-only" in message.lower():
                raise StoreError(f"{path}: cannot write the database here ({_one_line(error)})") from None
            raise StoreError(f"{path}: cannot open the database: {_one_line(error)}") from None
        except duckdb.Error as error:
            raise StoreError(f"{path}: cannot open the database: {_one_line(error)}") from None


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300]


def quarter_numbers(call: Call) -> tuple[int | None, int | None, int | None, int | None]:
    """(fiscal year, fiscal quarter, calendar year, calendar quarter) of a call's period."""
    from calls.analyse.periods import calendar_of

    company = company_by_name_or_ticker(call.ticker or "") or company_by_name_or_ticker(call.company or "")
    calendar = calendar_of(call.fiscal_period, company, None)
    if calendar is None:
        return None, None, None, None
    end_year, end_month = calendar.quarter_end()
    return calendar.year, calendar.quarter, end_year, (end_month - 1) // 3 + 1


def _call_row(call: Call, lexicon: str) -> list:
    fiscal_year, fiscal_quarter, calendar_year, calendar_quarter = quarter_numbers(call)
    return [
        call.id, call.company, call.ticker, call.fiscal_period, fiscal_year, fiscal_quarter, calendar_year, calendar_quarter,
        call.call_date, call.language, call.source.path, call.source.kind, call.source.url, call.source.title,
        call.content_hash, lexicon, datetime.now(timezone.utc).replace(tzinfo=None), len(call.turns),
        len({p.exchange for p in call.qa_pairs}), len(call.qa_pairs), len(call.guidance),
        call.metrics.call.net_tone if call.metrics else None, call.model_dump_json(),
        json.dumps(analyser_fingerprints(), sort_keys=True) if call.metrics else None,
    ]


def _rows(call: Call) -> dict[str, list[dict]]:
    """The call's rows for each child table, columns in table order."""
    cid = call.id
    text = call.text
    metrics = []
    if call.metrics:
        for group in (call.metrics.call, *call.metrics.sections, *call.metrics.speakers):
            metrics.append({
                "call_id": cid, "scope": group.scope, "key": group.key, "role": group.role.value if group.role else None,
                "turns": group.turns, "sentences": group.sentences, "words": group.words, "size": group.size,
                "positive": group.positive, "negative": group.negative, "uncertainty": group.uncertainty, "net_tone": group.net_tone,
                "hedges_epistemic": group.hedges.get("epistemic", 0), "hedges_approximator": group.hedges.get("approximator", 0),
                "hedges_conditional": group.hedges.get("conditional", 0), "hedge_density": group.hedge_density,
                "forward_looking": group.forward_looking, "forward_looking_density": group.forward_looking_density,
                "uncertainty_density": group.uncertainty_density, "numbers": group.numbers, "numeric_share": group.numeric_share,
                "specific_number_share": group.specific_number_share, "themes": json.dumps(group.themes),
                "readability": json.dumps(group.readability),
            })
    return {
        "participants": [
            {"call_id": cid, "name": p.name, "role": p.role.value, "title": p.title, "firm": p.firm, "aliases": p.aliases}
            for p in call.participants
        ],
        "turns": [
            {"call_id": cid, "idx": t.index, "speaker": t.speaker, "role": t.role.value, "section": t.section.value,
             "start_char": t.start, "end_char": t.end, "text": t.text}
            for t in call.turns
        ],
        "sentences": [
            {"call_id": cid, "idx": s.index, "turn": s.turn, "start_char": s.start, "end_char": s.end, "text": text[s.start: s.end],
             "words": s.words, "characters": s.characters, "positive": s.positive, "negative": s.negative,
             "uncertainty": s.uncertainty, "numbers": s.numbers, "specific_numbers": s.specific_numbers}
            for s in call.sentences
        ],
        "qa_pairs": [
            {"call_id": cid, "idx": q.index, "exchange": q.exchange, "analyst": q.analyst, "firm": q.firm,
             "question_turns": q.question_turns, "answer_turns": q.answer_turns, "answered_by": q.answered_by,
             "non_answer": q.non_answer, "non_answer_cues": q.non_answer_cues, "on_topic": q.on_topic}
            for q in call.qa_pairs
        ],
        "guidance": [
            {"call_id": cid, "idx": i, "metric": g.metric, "segment": g.segment, "period": g.period, "low": g.low, "high": g.high,
             "point": g.point, "unit": g.unit, "basis": g.basis, "qualifier": g.qualifier, "speaker": g.speaker, "turn": g.turn,
             "sentence": g.sentence, "start_char": g.start, "end_char": g.end}
            for i, g in enumerate(call.guidance)
        ],
        "tags": [
            {"call_id": cid, "kind": t.kind, "category": t.category, "cue": t.cue, "turn": t.turn, "sentence": t.sentence,
             "start_char": t.start, "end_char": t.end}
            for t in call.tags
        ],
        "metrics": metrics,
    }
