"""The `calls parse` command: JSON out, overrides, folders, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from calls.cli import main
from calls.model import Call
from tests.conftest import SEED_FEED, TRANSCRIPTS


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_feed_gives_a_json_array_of_three_calls() -> None:
    code, out, _ = _run("parse", str(SEED_FEED), "--json")
    assert code == 0
    calls = [Call.model_validate(item) for item in json.loads(out)]
    assert [c.id for c in calls] == ["LRCX-FY2026Q2", "META-2025Q4", "MSFT-FY2026Q2"]
    for field in ("id", "company", "ticker", "fiscal_period", "call_date", "language", "source", "participants", "turns", "qa_pairs"):
        assert field in json.loads(out)[0]


def test_folder_parses_every_sample_and_prints_a_table() -> None:
    code, out, err = _run("parse", str(TRANSCRIPTS))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["id", "company", "period", "date", "lang", "turns", "speakers", "exchanges", "questions"]
    assert len(lines) == 1 + len(list(TRANSCRIPTS.glob("*.txt"))) + len(list(TRANSCRIPTS.glob("*.json")))
    assert "LRCX-FY2026Q2 Lam Research FY2026 Q2 2026-01-28 zh 101 17 13 27".split() in [line.split() for line in lines]


def test_verbose_lists_skipped_articles() -> None:
    code, _, err = _run("parse", str(SEED_FEED), "--verbose")
    assert code == 0
    skipped = [line for line in err.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == 49
    assert any("海力士电话会" in line and "a summary of a call" in line for line in skipped)


def test_overrides_win(tmp_path: Path) -> None:
    text = (TRANSCRIPTS / "harbor_lane_q4_2025.txt").read_text(encoding="utf-8")
    path = tmp_path / "call.txt"
    path.write_text(text, encoding="utf-8")
    code, out, _ = _run("parse", str(path), "--json", "--company", "Lam Research", "--period", "2026财年第二财季", "--date", "2026-01-28")
    assert code == 0
    [call] = json.loads(out)
    assert (call["id"], call["company"], call["ticker"], call["fiscal_period"], call["call_date"]) == (
        "LRCX-FY2026Q2", "Lam Research", "LRCX", "FY2026 Q2", "2026-01-28"
    )


def test_bad_inputs_exit_non_zero_with_one_line_each(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (tmp_path / "prose.txt").write_text("Just a paragraph of prose with no speakers at all.", encoding="utf-8")
    code, out, err = _run("parse", str(tmp_path / "empty.txt"), str(tmp_path / "image.txt"), str(tmp_path / "prose.txt"), str(tmp_path / "missing.txt"))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"error: {tmp_path / 'empty.txt'}: the file is empty",
        f"error: {tmp_path / 'image.txt'}: this is a PNG image, not a transcript",
        f"error: {tmp_path / 'prose.txt'}: no speaker turns found (not a transcript layout the parser knows)",
        f"error: {tmp_path / 'missing.txt'}: cannot read the file: No such file or directory",
    ]


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    code, out, err = _run("parse", str(tmp_path / "empty.txt"), str(TRANSCRIPTS / "northwind_fy2026q2.txt"), "--json")
    assert code == 1
    assert [c["id"] for c in json.loads(out)] == ["NWSC-FY2026Q2"]
    assert err.strip() == f"error: {tmp_path / 'empty.txt'}: the file is empty"


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 1_500_000)
    code, _, err = _run("parse", str(path), "--max-size", "1")
    assert code == 1
    assert err.strip() == f"error: {path}: the file is 1.5 MB, above the 1 MB limit (raise it with --max-size)"


def test_usage_errors_exit_2() -> None:
    assert _run("parse", str(SEED_FEED), "--period", "someday")[0] == 2
    assert _run("parse", str(SEED_FEED), "--date", "yesterday")[0] == 2
    assert _run("parse")[0] == 2


def test_module_entry_point_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "calls", "parse", "--help"], capture_output=True, text=True, check=True)
    assert "Examples:" in result.stdout


def test_no_analysis_and_lexicon_options(tmp_path: Path) -> None:
    code, out, _ = _run("parse", str(TRANSCRIPTS / "northwind_fy2026q2.txt"), "--json", "--no-analysis")
    assert code == 0
    [call] = json.loads(out)
    assert (call["guidance"], call["tags"], call["metrics"]) == ([], [], None)
    bad = tmp_path / "bad.csv"
    bad.write_text("Term,Score\nup,1\n", encoding="utf-8")
    code, _, err = _run("parse", str(TRANSCRIPTS / "northwind_fy2026q2.txt"), "--lexicon", str(bad))
    assert code == 2
    assert "lacks the column(s) word, positive, negative, uncertainty" in err


def test_guidance_through_the_command_line() -> None:
    code, out, _ = _run("parse", str(TRANSCRIPTS / "lam_research_fy2026q2.txt"), "--json")
    assert code == 0
    revenue = next(g for g in json.loads(out)[0]["guidance"] if g["metric"] == "revenue")
    assert {k: revenue[k] for k in ("period", "low", "high", "point", "unit", "basis")} == {
        "period": "FY2026 Q3", "low": 5.4e9, "high": 6.0e9, "point": 5.7e9, "unit": "USD", "basis": "non-GAAP"
    }
