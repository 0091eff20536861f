"""Ingest on a real Dask cluster (LocalCluster, two worker processes) equals local ingest, row for row."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from dask.distributed import LocalCluster

from calls import cluster
from calls.batch import ingest
from calls.cli import main
from calls.cluster import ClusterError, ingest_on_cluster
from calls.dataset import MANIFEST, TABLES, DatasetError, attach, export_dataset, remove_part, table_source
from calls.store import Store, StoreError
from tests.conftest import ROOT, SEED_FEED, TRANSCRIPTS

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import generate  # noqa: E402


@pytest.fixture(scope="module")
def scheduler():
    """The address of a real two-process Dask cluster on this machine."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The samples, the seed feed, 20 generated calls, a duplicate, a second text of one call and a bad file."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(TRANSCRIPTS, folder / "samples")
    shutil.copy(SEED_FEED, folder / "feed_dump.txt")
    generate(20, folder / "generated")
    # The same text under another name is kept once; another text of the same call becomes NWSC-FY2026Q2-2.
    shutil.copy(TRANSCRIPTS / "northwind_fy2026q2.txt", folder / "zz_same_text.txt")
    revised = (TRANSCRIPTS / "northwind_fy2026q2.txt").read_text(encoding="utf-8").replace("Good afternoon", "Good evening", 1)
    (folder / "zz_revised.txt").write_text(revised, encoding="utf-8")
    (folder / "zz_not_a_transcript.txt").write_text("Quarterly results were published today.\n" * 20, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local_run(corpus: Path, tmp_path_factory):
    """Local ingest into a database, then `calls export --dataset` of it."""
    folder = tmp_path_factory.mktemp("local")
    summary = ingest([corpus], folder / "local.duckdb", jobs=2)
    with Store(folder / "local.duckdb", read_only=True) as store:
        export_dataset(store, folder / "dataset")
    return summary, folder


@pytest.fixture(scope="module")
def cluster_run(corpus: Path, scheduler: str, tmp_path_factory):
    """The same files ingested on the cluster, in small tasks so that several parts are written."""
    folder = tmp_path_factory.mktemp("cluster")
    cluster.WRITE_FILES_PER_TASK = 4
    try:
        summary = ingest_on_cluster([corpus], folder / "dataset", scheduler)
    finally:
        cluster.WRITE_FILES_PER_TASK = 16
    return summary, folder


def _rows(dataset: Path, table: str) -> list[tuple]:
    # ingested_at is the time of writing, the only column that may differ.
    columns = "* EXCLUDE (ingested_at)" if table == "calls" else "*"
    with duckdb.connect() as con:
        return con.execute(f"SELECT {columns} FROM {table_source(dataset, table)} ORDER BY ALL").fetchall()


def _layout(dataset: Path) -> set[str]:
    return {p.parent.relative_to(dataset).as_posix() for p in dataset.rglob("*.parquet")}


def test_cluster_dataset_equals_local_row_for_row(local_run, cluster_run) -> None:
    local_summary, local = local_run
    cluster_summary, remote = cluster_run
    assert cluster_summary.ingested == local_summary.ingested
    assert cluster_summary.unchanged == local_summary.unchanged == ["NWSC-FY2026Q2"]
    assert cluster_summary.replaced == local_summary.replaced
    assert [e.path for e in cluster_summary.failed] == [e.path for e in local_summary.failed]
    assert [Path(e.path).name for e in cluster_summary.failed] == ["zz_not_a_transcript.txt"]
    assert cluster_summary.skipped_articles == local_summary.skipped_articles == 49
    assert "NWSC-FY2026Q2-2" in cluster_summary.ingested
    for table in TABLES:
        local_rows, remote_rows = _rows(local / "dataset", table), _rows(remote / "dataset", table)
        assert local_rows, table
        assert remote_rows == local_rows, table
    assert _layout(remote / "dataset") == _layout(local / "dataset")
    assert "calls/ticker=LRCX/year=2026" in _layout(remote / "dataset")
    # 31 files hold a kept call (the feed's three are replaced by the samples with the same URL): 8 tasks of 4.
    assert len({p.name.split("-")[1] for p in (remote / "dataset").rglob("*.parquet")}) == 8


def test_attached_dataset_gives_back_the_same_calls(local_run, cluster_run, tmp_path: Path) -> None:
    _, local = local_run
    _, remote = cluster_run
    with Store(tmp_path / "app.duckdb") as store:
        first = attach(store, remote / "dataset")
        again = attach(store, remote / "dataset")
    with Store(local / "local.duckdb", read_only=True) as expected, Store(tmp_path / "app.duckdb", read_only=True) as attached:
        assert attached.ids() == expected.ids()
        assert attached.counts() == expected.counts()
        ids = expected.ids()
        for call_id in ids:
            assert attached.get(call_id) == expected.get(call_id), call_id
    assert (first.added, first.replaced, first.unchanged) == (len(ids), 0, 0)
    assert (again.added, again.replaced, again.unchanged) == (0, 0, len(ids))


def test_attach_replaces_a_call_stored_with_another_text(cluster_run, corpus: Path, tmp_path: Path) -> None:
    _, remote = cluster_run
    db = tmp_path / "app.duckdb"
    # Alone, the revised text is stored as NWSC-FY2026Q2; the dataset's NWSC-FY2026Q2 is the original text.
    assert ingest([corpus / "zz_revised.txt"], db, jobs=1).ingested == ["NWSC-FY2026Q2"]
    with Store(db) as store:
        summary = attach(store, remote / "dataset")
        assert "Good afternoon" in store.get("NWSC-FY2026Q2").text
        assert store.counts()["calls"] == summary.added + summary.replaced
    assert summary.replaced == 1


def test_a_damaged_part_stops_attach_at_that_company_and_leaves_whole_calls(cluster_run, tmp_path: Path) -> None:
    _, remote = cluster_run
    dataset = tmp_path / "dataset"
    shutil.copytree(remote / "dataset", dataset)
    [damaged] = list((dataset / "turns" / "ticker=NWSC").rglob("*.parquet"))[:1]
    damaged.write_bytes(b"not parquet")
    with Store(tmp_path / "app.duckdb") as store:
        with pytest.raises(StoreError, match="could not attach .*ticker=NWSC"):
            attach(store, dataset)
        tickers = [t for (t,) in store.con.execute("SELECT DISTINCT ticker FROM calls ORDER BY ticker").fetchall()]
        assert tickers and all(t < "NWSC" for t in tickers), tickers
        for call_id in store.ids():
            (turns,) = store.con.execute("SELECT count(*) FROM turns WHERE call_id = ?", [call_id]).fetchone()
            assert turns == len(store.get(call_id).turns), call_id


def test_cli_ingest_on_scheduler_then_attach(scheduler: str, tmp_path: Path) -> None:
    runner = CliRunner()
    dataset = tmp_path / "ds"
    result = runner.invoke(main, ["ingest", str(TRANSCRIPTS), "--scheduler", scheduler, "--dataset", str(dataset), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "10 files, 10 calls" in result.output
    assert f"dataset written to {dataset}" in result.output
    result = runner.invoke(main, ["attach", str(dataset), "--db", str(tmp_path / "app.duckdb")])
    assert result.exit_code == 0, result.output
    assert "10 calls added, 0 replaced, 0 unchanged" in result.output
    again = runner.invoke(main, ["ingest", str(TRANSCRIPTS), "--scheduler", scheduler, "--dataset", str(dataset), "--no-progress"])
    assert again.exit_code == 3
    assert "a dataset is already there; give --overwrite" in again.output
    replaced = runner.invoke(main, ["ingest", str(TRANSCRIPTS / "meta_q4_2025.txt"), "--scheduler", scheduler, "--dataset", str(dataset), "--overwrite", "--no-progress"])
    assert replaced.exit_code == 0, replaced.output
    with duckdb.connect() as con:
        assert con.execute(f"SELECT list(id) FROM {table_source(dataset, 'calls')}").fetchone()[0] == ["META-2025Q4"]


def test_scheduler_from_environment_needs_a_dataset(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CALLS_SCHEDULER", "tcp://127.0.0.1:1")
    result = CliRunner().invoke(main, ["ingest", str(TRANSCRIPTS), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2
    assert "give --dataset DIR" in result.output
    assert not (tmp_path / "x.duckdb").exists()


def test_dataset_without_scheduler_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", str(TRANSCRIPTS), "--dataset", str(tmp_path / "ds")])
    assert result.exit_code == 2
    assert "calls export --dataset DIR" in result.output


def test_unreachable_scheduler_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:1"):
        ingest_on_cluster([TRANSCRIPTS], tmp_path / "ds", "tcp://127.0.0.1:1", connect_timeout=1)
    assert list(tmp_path.iterdir()) == []


def test_workers_with_other_lexicons_are_refused(scheduler: str, tmp_path: Path, monkeypatch) -> None:
    expected = cluster._environment()
    monkeypatch.setattr(cluster, "_environment", lambda: {**expected, "tone": "another"})
    with pytest.raises(ClusterError, match="another calls version or other lexicons"):
        ingest_on_cluster([TRANSCRIPTS / "meta_q4_2025.txt"], tmp_path / "ds", scheduler)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_part_is_removed_and_the_others_stay(cluster_run, tmp_path: Path) -> None:
    _, remote = cluster_run
    dataset = tmp_path / "dataset"
    shutil.copytree(remote / "dataset", dataset)
    before = {p.relative_to(dataset) for p in dataset.rglob("*.parquet")}
    remove_part(dataset, 3)
    after = {p.relative_to(dataset) for p in dataset.rglob("*.parquet")}
    assert before - after == {p for p in before if p.name.startswith("part-000003-")}
    assert before - after and after


def test_dataset_target_that_is_not_a_dataset_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "photos"
    target.mkdir()
    (target / "holiday.jpg").write_bytes(b"\xff\xd8")
    with Store(tmp_path / "db.duckdb") as store:
        with pytest.raises(DatasetError, match="not empty and is not a calls dataset"):
            export_dataset(store, target, overwrite=True)
    assert [p.name for p in target.iterdir()] == ["holiday.jpg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.duckdb", "photos"]


def test_attach_refuses_what_is_not_a_dataset(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["attach", str(tmp_path), "--db", str(tmp_path / "app.duckdb")])
    assert result.exit_code == 3
    assert f"{tmp_path}: not a calls dataset (no {MANIFEST})" in result.output
    (tmp_path / MANIFEST).write_text('{"schema_version": 99}', encoding="utf-8")
    result = runner.invoke(main, ["attach", str(tmp_path), "--db", str(tmp_path / "app.duckdb")])
    assert result.exit_code == 3
    assert "dataset schema version 99" in result.output


def test_export_dataset_takes_no_table_or_filters(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "qa", "--dataset", str(tmp_path / "ds")])
    assert result.exit_code == 2
    assert "give no TABLE, -o or filters" in result.output
    result = CliRunner().invoke(main, ["export", "qa"])
    assert result.exit_code == 2
    assert "give a TABLE and -o FILE" in result.output
