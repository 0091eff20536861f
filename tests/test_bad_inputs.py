"""Every bad or hostile input gets a clear answer: parsed with what was recovered, or refused in one line; never a traceback, never a hang."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bad_inputs.make_bad_inputs import EXPECTED, make_all
from tests.conftest import ROOT

# A generous bound per input: a hang or a backtracking blow-up fails, a slow machine does not.
TIMEOUT = 120
# Runs `calls` and reports its own peak memory on its last stderr line. VmHWM, not ru_maxrss: Linux carries
# ru_maxrss over exec, so a child forked from a large pytest process would report pytest's size.
RUNNER = (
    "import atexit, re, sys\n"
    "peak = lambda: int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
    "atexit.register(lambda: sys.stderr.write('\\nPEAK_KB %d\\n' % peak()))\n"
    "from calls.cli import main\n"
    "sys.argv = ['calls'] + sys.argv[1:]\n"
    "main()\n"
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_all(tmp_path_factory.mktemp("bad_inputs"))


def _calls(*args: str) -> tuple[subprocess.CompletedProcess, float, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True, text=True, env=env, timeout=TIMEOUT)
    seconds = time.perf_counter() - started
    peak = re.search(r"PEAK_KB (\d+)", result.stderr)
    return result, seconds, int(peak.group(1)) // 1024 if peak else -1


def test_every_bad_input_gets_a_clear_answer(corpus: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    rows = []
    failures = []
    for name, (outcome, expectation) in EXPECTED.items():
        path = corpus[name]
        result, seconds, peak = _calls("parse", str(path), "--json")
        errors = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("PEAK_KB")]
        if "Traceback" in result.stderr:
            failures.append(f"{name}: traceback\n{result.stderr[-2000:]}")
        elif outcome == "refused":
            if result.returncode != 1 or len(errors) != 1 or not errors[0].startswith(f"error: {path}: "):
                failures.append(f"{name}: expected one error line and exit 1, got exit {result.returncode}: {errors}")
            elif expectation not in errors[0]:
                failures.append(f"{name}: expected «{expectation}» in {errors[0]!r}")
        else:
            import json

            calls = json.loads(result.stdout) if result.returncode == 0 else []
            turns = sum(len(c["turns"]) for c in calls)
            if result.returncode != 0 or turns < expectation:
                failures.append(f"{name}: expected parsed with ≥{expectation} turns, got exit {result.returncode}, {turns} turns, {errors}")
        shown = errors[0].split(": ", 2)[2] if errors else f"parsed: {sum(len(c['turns']) for c in __import__('json').loads(result.stdout or '[]'))} turns"
        rows.append((name, shown, seconds, peak))
    with capsys.disabled():
        print(f"\n{'input':34} {'seconds':>8} {'peak MB':>8}  outcome")
        for name, shown, seconds, peak in rows:
            print(f"{name:34} {seconds:8.2f} {peak:8}  {shown[:90]}")
    assert not failures, "\n".join(failures)


def test_ingest_over_the_whole_corpus_goes_on_and_reports(corpus: dict[str, Path], tmp_path: Path) -> None:
    folder = next(iter(corpus.values())).parent
    result, _, _ = _calls("ingest", str(folder), "--db", str(tmp_path / "bad.duckdb"), "--no-progress", "--jobs", "2")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    parsed = sum(1 for outcome, _ in EXPECTED.values() if outcome == "parsed")
    refused = len(EXPECTED) - parsed
    # Every file is read (.txt, .html, .pdf, .docx, .json). Files that normalise to the same text (the CRLF and
    # UTF-16 copies of one transcript) are one call by content hash: stored once, then `unchanged`.
    assert result.stdout.startswith(f"{len(EXPECTED)} files, {parsed} calls in ")
    assert result.stdout.rstrip().endswith(f"{refused} failed")
    assert len([line for line in result.stderr.splitlines() if line.startswith("error: ")]) == refused


def test_windows_line_endings_parse_like_unix(corpus: dict[str, Path]) -> None:
    import json

    crlf, _, _ = _calls("parse", str(corpus["windows_line_endings.txt"]), "--json", "--no-analysis")
    lf, _, _ = _calls("parse", str(ROOT / "transcripts" / "northwind_fy2026q2.txt"), "--json", "--no-analysis")
    assert [t["text"] for t in json.loads(crlf.stdout)[0]["turns"]] == [t["text"] for t in json.loads(lf.stdout)[0]["turns"]]


def test_mixed_and_truncated_encodings_recover_the_text(corpus: dict[str, Path]) -> None:
    import json

    mixed, _, _ = _calls("parse", str(corpus["mixed_encodings.txt"]), "--json", "--no-analysis")
    [call] = json.loads(mixed.stdout)
    assert call["source"]["encoding"] == "utf-8 + gb18030"
    assert call["turns"][-1]["text"] == "谢谢大家。会议现在结束。"
    truncated, _, _ = _calls("parse", str(corpus["truncated_utf8.txt"]), "--json", "--no-analysis")
    [call] = json.loads(truncated.stdout)
    assert call["source"]["encoding"] == "utf-8 (truncated)" and call["text"].endswith("谢")
