"""Shared fixtures: the repository's paths, the seed feed, parsed samples."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from calls.model import Call
from calls.pipeline import parse_paths

ROOT = Path(__file__).resolve().parents[1]
TRANSCRIPTS = ROOT / "transcripts"
GOLD = ROOT / "tests" / "gold"
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_FEED = SEEDS / "003_048932d57b72cc8e.txt"


@cache
def parsed(path: Path) -> tuple[Call, ...]:
    """The calls of one file, parsed once per test session."""
    result = parse_paths([path])
    assert not result.errors, result.errors
    return tuple(result.calls)


def gold_files() -> list[Path]:
    """Every call gold file (roster, Q&A) of a sample transcript."""
    return sorted(p for p in GOLD.glob("*.json") if "." not in p.stem and "roster" in load_gold(p))


def load_gold(path: Path) -> dict:
    """One gold file."""
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_calls() -> tuple[Call, ...]:
    """The three calls of the seed feed."""
    if not SEED_FEED.exists():
        pytest.fail(f"the seed feed is missing: {SEED_FEED} (the tests need ../shared beside the repository)")
    return parsed(SEED_FEED)
