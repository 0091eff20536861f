"""The same input gives byte-identical JSON: across runs, hash seeds, and --jobs 1 and --jobs 2."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT, SEED_FEED, TRANSCRIPTS


def _parse(jobs: int, seed: str) -> bytes:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed}
    result = subprocess.run(
        [sys.executable, "-m", "calls", "parse", str(TRANSCRIPTS), str(SEED_FEED), "--json", "--jobs", str(jobs)],
        capture_output=True, env=env, timeout=600, check=True,
    )
    return result.stdout


def test_json_is_byte_identical_across_runs_and_jobs() -> None:
    first = _parse(1, "0")
    assert first == _parse(1, "12345")
    assert first == _parse(2, "987")
    assert first.count(b'"id": ') >= 13
