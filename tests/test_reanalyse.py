"""`calls reanalyse`: after a lexicon or taxonomy changes, only the analysers that read it run again, without re-parsing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from calls.store import SCHEMA_VERSION, Store
from tests.conftest import ROOT, TRANSCRIPTS, parsed

FILES = [TRANSCRIPTS / "northwind_fy2026q2.txt", TRANSCRIPTS / "lam_research_fy2026q2.txt"]


def _calls(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if data_dir is not None:
        env["CALLS_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "calls", *args], capture_output=True, text=True, env=env, timeout=600, check=True)


@pytest.fixture()
def database(tmp_path: Path) -> Path:
    db = tmp_path / "calls.duckdb"
    with Store(db) as store:
        for path in FILES:
            store.save(parsed(path)[0])
    return db


@pytest.fixture()
def new_theme(tmp_path: Path) -> Path:
    folder = tmp_path / "lexicons"
    folder.mkdir()
    bundled = (ROOT / "calls" / "data" / "themes.toml").read_text(encoding="utf-8")
    (folder / "themes.toml").write_text(bundled + '\n[[theme]]\nid = "widgets"\nlabel = "Widgets"\nen = ["revenue"]\nzh = ["营收"]\n', encoding="utf-8")
    return folder


def test_only_the_changed_analyser_runs_again(database: Path, new_theme: Path) -> None:
    with Store(database, read_only=True) as store:
        before = {i: store.get(i) for i in store.ids()}
    assert _calls("reanalyse", "--db", str(database)).stdout.strip() == "2 calls: 0 re-analysed (none), 2 up to date"
    result = _calls("reanalyse", "--db", str(database), data_dir=new_theme)
    assert result.stdout.strip() == "2 calls: 2 re-analysed (themes 2), 0 up to date"
    with Store(database, read_only=True) as store:
        for call_id, old in before.items():
            new = store.get(call_id)
            assert new.content_hash == old.content_hash and new.turns == old.turns  # not re-parsed
            assert new.guidance == old.guidance and new.sentences == old.sentences
            untouched = lambda tags: sorted((t for t in tags if t.kind != "theme"), key=lambda t: (t.start, t.end, t.kind, t.category))  # noqa: E731
            assert untouched(new.tags) == untouched(old.tags)
            assert any(t.category == "widgets" for t in new.tags)
            assert "widgets" in new.metrics.call.themes
    assert _calls("reanalyse", "--db", str(database), data_dir=new_theme).stdout.strip() == "2 calls: 0 re-analysed (none), 2 up to date"


def test_a_reanalysed_call_has_the_tags_of_a_fresh_analysis(database: Path, new_theme: Path) -> None:
    _calls("reanalyse", "--db", str(database), data_dir=new_theme)
    fresh = json.loads(_calls("parse", str(FILES[1]), "--json", data_dir=new_theme).stdout)[0]
    with Store(database, read_only=True) as store:
        stored = store.get("LRCX-FY2026Q2")
    key = lambda t: (t["kind"], t["category"], t["cue"], t["turn"], t["start"], t["end"])  # noqa: E731
    assert sorted(map(key, (t.model_dump() for t in stored.tags))) == sorted(map(key, fresh["tags"]))
    assert stored.metrics.model_dump(mode="json") == fresh["metrics"]


def test_a_version_1_database_is_migrated_and_fully_reanalysed(database: Path) -> None:
    con = duckdb.connect(str(database))
    con.execute("ALTER TABLE calls DROP COLUMN analysers")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    with Store(database) as store:
        assert store.schema_version() == SCHEMA_VERSION == 2
        assert store.analysed_with("LRCX-FY2026Q2") == {}
    result = _calls("reanalyse", "--db", str(database))
    assert result.stdout.strip() == "2 calls: 2 re-analysed (guidance 2, hedges 2, non_answers 2, readability 2, themes 2, tone 2), 0 up to date"
