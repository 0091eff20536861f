"""The benchmark command runs end to end in its quick mode and reports real outcomes (timings are never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from calls.analyse.nlp import pipeline

ROOT = Path(__file__).resolve().parents[1]
TRANSCRIPTS = ROOT / "transcripts"


def _language(path: Path) -> str:
    """Chinese when the file has more CJK characters than ASCII letters: judged apart from the code under test."""
    text = path.read_text(encoding="utf-8")
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "zh" if cjk > latin else "en"


def test_quick_benchmark_reports_every_figure(tmp_path: Path, capsys) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    with capsys.disabled():  # the table is part of CI's log
        print("\n" + done.stdout)
    assert done.returncode == 0, done.stderr
    assert "headline:" in done.stdout
    figures = json.loads(out.read_text(encoding="utf-8"))

    files = sorted(p for p in TRANSCRIPTS.iterdir() if p.suffix in (".txt", ".json"))
    assert [row["file"] for row in figures["samples"]] == [p.name for p in files]
    for row, path in zip(figures["samples"], files, strict=True):
        assert row["lang"] == _language(path), row
        assert row["size"] > 0 and row["baseline_s"] > 0 and row["pipeline_s"] > 0 and row["ratio"] > 0, row

    long = figures["long_call"]
    assert long["lang"] == "en" and 10_000 <= long["size"] < 11_000, long
    assert figures["headline"]["long_call_words"] == long["size"]

    [corpus] = [c for c in figures["corpora"] if c["calls"] == 100]
    assert (corpus["stored"], corpus["failed"]) == (100, 0)
    assert corpus["baseline_s"] > 0 and corpus["ingest_s"] > 0 and corpus["db_mb"] > 0
    # The largest worker is measured whenever ingest used worker processes (more than one core).
    peaks = [corpus["writer_mb"]] + ([corpus["worker_mb"]] if corpus["jobs"] > 1 else [])
    assert all(0 < mb < 1024 for mb in peaks), peaks

    english = {row["step"]: row["ms"] for row in figures["profile"] if row["lang"] == "en"}
    assert set(pipeline("en").pipe_names) | {"store"} <= set(english), sorted(english)
    assert all(ms > 0 for ms in english.values()), english
