"""The embedded database: round trip, idempotency, replacement, ids, transactions, schema, faults."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from calls.model import Call
from calls.store import SCHEMA_VERSION, Store, StoreError
from tests.conftest import ROOT, SEED_FEED, TRANSCRIPTS, parsed

SAMPLES = sorted(p for p in TRANSCRIPTS.iterdir() if p.suffix in (".txt", ".json"))


@pytest.fixture(scope="module")
def sample_calls() -> list[Call]:
    return [call for path in SAMPLES for call in parsed(path)]


def test_the_store_gives_back_the_call_it_was_given(tmp_path: Path, sample_calls: list[Call]) -> None:
    with Store(tmp_path / "c.duckdb") as store:
        for call in sample_calls:
            assert store.save(call).status == "ingested"
        for call in sample_calls:
            assert store.get(call.id) == call
        counts = store.counts()
    assert counts["calls"] == len(sample_calls)
    assert counts["turns"] == sum(len(c.turns) for c in sample_calls)
    assert counts["guidance"] == sum(len(c.guidance) for c in sample_calls)
    assert counts["qa_pairs"] == sum(len(c.qa_pairs) for c in sample_calls)


def test_same_text_is_a_no_op_and_changed_text_a_clean_replacement(tmp_path: Path, sample_calls: list[Call]) -> None:
    call = sample_calls[0]
    with Store(tmp_path / "c.duckdb") as store:
        store.save(call)
        before = store.counts()
        assert store.save(call).status == "unchanged"
        assert store.counts() == before
        changed = call.model_copy(update={"content_hash": "0" * 64, "turns": call.turns[:-1]})
        assert store.save(changed) .status == "replaced"
        assert store.get(call.id).content_hash == "0" * 64
        assert store.counts()["turns"] == before["turns"] - 1
        assert store.counts()["calls"] == 1


def test_a_second_transcript_of_the_same_call_gets_a_suffix(tmp_path: Path, sample_calls: list[Call]) -> None:
    call = sample_calls[0]
    other = call.model_copy(update={"content_hash": "f" * 64, "source": call.source.model_copy(update={"path": "elsewhere.txt", "url": None})})
    with Store(tmp_path / "c.duckdb") as store:
        assert store.save(call).call_id == call.id
        assert store.save(other).call_id == f"{call.id}-2"
        assert store.get(f"{call.id}-2").id == f"{call.id}-2"
        assert store.save(other).status == "unchanged"


def test_a_failed_write_leaves_the_database_as_it_was(tmp_path: Path, sample_calls: list[Call], monkeypatch: pytest.MonkeyPatch) -> None:
    import calls.store as store_module

    with Store(tmp_path / "c.duckdb") as store:
        store.save(sample_calls[0])
        before = store.counts()
        original = store_module._rows

        def broken(call: Call) -> dict:
            rows = original(call)
            rows["tags"] = [{"unexpected": 1}]  # a row that cannot be inserted, after other tables were written
            return rows

        monkeypatch.setattr(store_module, "_rows", broken)
        with pytest.raises(StoreError, match="could not write"):
            store.save(sample_calls[1])
        assert store.counts() == before
        assert store.ids() == [sample_calls[0].id]


def test_schema_version_and_a_newer_database(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    con.close()
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}, newer than this calls"):
        Store(path)


def test_a_corrupt_file_is_reported_not_recreated(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    path.write_bytes(b"this is not a database" * 200)
    with pytest.raises(StoreError, match="not a valid DuckDB database file"):
        Store(path)
    assert path.read_bytes() == b"this is not a database" * 200


def test_another_duckdb_file_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE something (x INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="not a calls database"):
        Store(path)


def test_reading_a_missing_database_says_so(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database here yet"):
        Store(tmp_path / "none.duckdb", read_only=True)


def test_a_read_only_filesystem_gets_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Injected: as root, file permissions do not stop writes, so the error DuckDB gives on a read-only mount is simulated.
    def read_only(*args: object, **kwargs: object) -> None:
        raise duckdb.IOException('IO Error: Cannot open file "c.duckdb": Read-only file system')

    monkeypatch.setattr(duckdb, "connect", read_only)
    with pytest.raises(StoreError, match="cannot write the database here"):
        Store(tmp_path / "c.duckdb")


def test_a_locked_database_waits_then_says_who_holds_it(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ready', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        started = time.monotonic()
        with pytest.raises(StoreError, match=r"locked by another process \(PID \d+\); waited 1 s"):
            Store(path, wait=1.0)
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()


def test_killing_an_ingest_leaves_every_call_complete_or_absent(tmp_path: Path) -> None:
    """SIGKILL mid-batch: the database opens and each stored call has all of its rows."""
    folder = tmp_path / "many"
    folder.mkdir()
    text = (TRANSCRIPTS / "northwind_fy2025q3.txt").read_text(encoding="utf-8")
    for i in range(200):
        (folder / f"call_{i:03d}.txt").write_text(text.replace("Northwind delivered", f"Northwind (copy {i}) delivered"), encoding="utf-8")
    db = tmp_path / "k.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "calls", "ingest", str(folder), "--db", str(db), "--jobs", "1", "--no-progress", "--company", "Northwind Semiconductor", "--period", "FY2025 Q3"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not db.exists():
        time.sleep(0.05)
    time.sleep(2.0)
    process.send_signal(signal.SIGKILL)
    process.wait()
    with Store(db, read_only=True) as store:
        ids = store.ids()
        for call_id in ids:
            call = store.get(call_id)
            (turns,) = store.con.execute("SELECT count(*) FROM turns WHERE call_id = ?", [call_id]).fetchone()
            (pairs,) = store.con.execute("SELECT count(*) FROM qa_pairs WHERE call_id = ?", [call_id]).fetchone()
            (guidance,) = store.con.execute("SELECT count(*) FROM guidance WHERE call_id = ?", [call_id]).fetchone()
            assert (turns, pairs, guidance) == (len(call.turns), len(call.qa_pairs), len(call.guidance))
    assert 0 < len(ids) < 200  # killed after some runs were written and before the end


def test_seed_feed_calls_store_too(tmp_path: Path) -> None:
    with Store(tmp_path / "c.duckdb") as store:
        for call in parsed(SEED_FEED):
            store.save(call)
        assert store.ids() == ["LRCX-FY2026Q2", "META-2025Q4", "MSFT-FY2026Q2"]


def _tiny_filesystem(tmp_path: Path) -> Path | None:
    """A 3 MB tmpfs when this process may mount one (root in CI and here), else None."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount_point)], capture_output=True)
    return mount_point if result.returncode == 0 else None


def test_a_full_disk_stops_with_a_clear_message_and_no_partial_call(tmp_path: Path, sample_calls: list[Call], monkeypatch: pytest.MonkeyPatch) -> None:
    tiny = _tiny_filesystem(tmp_path)
    db = (tiny or tmp_path) / "c.duckdb"
    try:
        with Store(db) as store:
            store.save(sample_calls[0])
            before = store.counts()
            if tiny is None:
                # No mount allowed: make COMMIT fail as DuckDB does when the disk fills; Store.save handles it.
                real = store.con

                class FullDisk:
                    def __getattr__(self, name: str):
                        return getattr(real, name)

                    def execute(self, sql: str, *args: object):
                        if sql == "COMMIT":
                            real.execute("ROLLBACK")
                            raise duckdb.IOException('Could not write file "c.duckdb.wal": No space left on device')
                        return real.execute(sql, *args)

                store.con = FullDisk()
            with pytest.raises(StoreError, match="No space left on device"):
                for number, call in enumerate(sample_calls[1:] * 40):
                    copy = {"content_hash": f"{number:064d}", "source": call.source.model_copy(update={"path": f"copy_{number}.txt", "url": None})}
                    store.save(call.model_copy(update=copy))
            if tiny is None:
                store.con = real
        with Store(db, read_only=True) as store:
            ids = store.ids()
            assert sample_calls[0].id in ids and store.counts()["calls"] >= before["calls"]
            for call_id in ids:
                call = store.get(call_id)
                (turns,) = store.con.execute("SELECT count(*) FROM turns WHERE call_id = ?", [call_id]).fetchone()
                assert turns == len(call.turns)
    finally:
        if tiny is not None:
            subprocess.run(["umount", str(tiny)], check=False)


def test_a_run_written_at_once_equals_the_calls_written_one_by_one(tmp_path: Path, sample_calls: list[Call]) -> None:
    """save_many places each call as if the ones before it were written: duplicates, -2 ids, replacements."""
    first = sample_calls[0]
    other_source = first.model_copy(update={"content_hash": "b" * 64, "source": first.source.model_copy(update={"path": "elsewhere.txt", "url": None})})
    new_text_same_source = first.model_copy(update={"content_hash": "c" * 64})
    run = [first, sample_calls[1], first, other_source, new_text_same_source, other_source]
    with Store(tmp_path / "one.duckdb") as one_by_one:
        one_by_one.save(sample_calls[2])
        expected = [one_by_one.save(call) for call in run]
        expected_calls = [one_by_one.get(i) for i in one_by_one.ids()]
    with Store(tmp_path / "run.duckdb") as at_once:
        at_once.save(sample_calls[2])
        assert at_once.save_many(run) == expected
        assert [at_once.get(i) for i in at_once.ids()] == expected_calls
        assert at_once.counts()["calls"] == 4
    assert [(r.call_id, r.status) for r in expected] == [
        (first.id, "ingested"), (sample_calls[1].id, "ingested"), (first.id, "unchanged"),
        (f"{first.id}-2", "ingested"), (first.id, "replaced"), (f"{first.id}-2", "unchanged"),
    ]
