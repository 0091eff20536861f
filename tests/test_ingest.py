"""`calls ingest` and the commands that read the store, end to end in subprocesses and with the CLI runner."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from calls.cli import main
from calls.store import Store
from tests.conftest import ROOT, SEED_FEED, TRANSCRIPTS


def _calls(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "calls", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600)


def test_ingesting_twice_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "calls.duckdb"
    first = _calls("ingest", str(TRANSCRIPTS), "--db", str(db), "--no-progress")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("10 files, 10 calls in ")
    assert first.stdout.rstrip().endswith("10 ingested, 0 unchanged, 0 replaced, 0 failed")
    size = db.stat().st_size
    with Store(db, read_only=True) as store:
        counts = store.counts()
    second = _calls("ingest", str(TRANSCRIPTS), "--db", str(db), "--no-progress")
    assert second.returncode == 0
    assert second.stdout.rstrip().endswith("0 ingested, 10 unchanged, 0 replaced, 0 failed")
    assert db.stat().st_size == size
    with Store(db, read_only=True) as store:
        assert store.counts() == counts


def test_two_ingests_at_once_both_finish(tmp_path: Path) -> None:
    db = tmp_path / "calls.duckdb"
    english, chinese = tmp_path / "en", tmp_path / "zh"
    english.mkdir()
    chinese.mkdir()
    for path in TRANSCRIPTS.iterdir():
        shutil.copy(path, (chinese if path.name.startswith(("lam", "meta", "microsoft")) else english) / path.name)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [
        subprocess.Popen([sys.executable, "-m", "calls", "ingest", str(folder), "--db", str(db), "--no-progress", "--jobs", "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for folder in (english, chinese)
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    with Store(db, read_only=True) as store:
        assert len(store.ids()) == 10 == len(set(store.ids()))
        assert store.counts()["calls"] == 10
        (duplicates,) = store.con.execute("SELECT count(*) FROM (SELECT call_id, idx FROM turns GROUP BY 1, 2 HAVING count(*) > 1)").fetchone()
        assert duplicates == 0


def test_bad_files_are_reported_and_the_rest_stored(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(TRANSCRIPTS / "northwind_fy2026q2.txt", folder)
    (folder / "empty.txt").write_bytes(b"")
    result = _calls("ingest", str(folder), "--db", str(tmp_path / "c.duckdb"), "--no-progress", "--jobs", "2")
    assert result.returncode == 1
    assert "1 ingested, 0 unchanged, 0 replaced, 1 failed" in result.stdout
    assert result.stderr.strip() == f"error: {folder / 'empty.txt'}: the file is empty"


def test_list_show_export_compare_commands(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(TRANSCRIPTS), "--db", str(db), "--no-progress", "--jobs", "1"]).exit_code == 0
    listed = runner.invoke(main, ["list", "--db", str(db)])
    assert listed.exit_code == 0
    header, *rows = listed.stdout.splitlines()
    assert header.split() == ["id", "company", "ticker", "period", "date", "language", "analysts", "qa", "guidance", "net_tone"]
    assert any(r.split()[:1] == ["LRCX-FY2026Q2"] and "2026-01-28" in r for r in rows)
    records = json.loads(runner.invoke(main, ["list", "--db", str(db), "--ticker", "msft", "--json"]).stdout)
    assert [r["id"] for r in records] == ["MSFT-FY2026Q2"]
    shown = runner.invoke(main, ["show", "LRCX-FY2026Q2", "--db", str(db)]).stdout
    assert "guidance: revenue FY2026 Q3: 5.4B to 6B USD non-GAAP" in shown
    assert "Tim Arcuri (UBS)" in shown
    missing = runner.invoke(main, ["show", "NOPE-1", "--db", str(db)])
    assert missing.exit_code == 3 and "no call 'NOPE-1'" in missing.stderr
    out = tmp_path / "g.csv"
    exported = runner.invoke(main, ["export", "guidance", "--format", "csv", "-o", str(out), "--ticker", "MSFT", "--db", str(db)])
    assert exported.exit_code == 0 and exported.stdout.strip() == f"35 rows of guidance written to {out}"
    compared = runner.invoke(main, ["compare", "NWSC", "--guidance", "--db", str(db), "--json"])
    statuses = [r["status"] for r in json.loads(compared.stdout)]
    assert statuses.count("raised") == 1 and statuses.count("lowered") == 1
    assert runner.invoke(main, ["compare", "NWSC", "--db", str(db)]).stdout.splitlines()[0].split() == ["fiscal_period", "FY2025", "Q3", "FY2025", "Q4", "FY2026", "Q1", "FY2026", "Q2"]


def test_commands_on_a_missing_database_say_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["list", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 3
    assert result.stderr.strip() == f"error: {tmp_path / 'none.duckdb'}: no database here yet (run `calls ingest` first, or give --db)"


def test_db_from_the_environment(tmp_path: Path) -> None:
    db = tmp_path / "env.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(SEED_FEED), "--no-progress"], env={"CALLS_DB": str(db)})
    assert result.exit_code == 0
    assert "3 ingested" in result.stdout and "49 feed articles skipped" in result.stdout
    assert db.exists()
