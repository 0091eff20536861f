"""The seed transcripts in transcripts/ are exactly what the extraction script makes of the feed."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT, SEED_FEED, TRANSCRIPTS


def test_seed_transcripts_are_in_sync_with_the_feed() -> None:
    spec = importlib.util.spec_from_file_location("extract", ROOT / "scripts" / "extract_seed_transcripts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files = module.extract(SEED_FEED)
    assert sorted(files) == ["lam_research_fy2026q2.txt", "meta_q4_2025.txt", "microsoft_fy2026q2.txt"]
    for name, text in files.items():
        assert (TRANSCRIPTS / name).read_text(encoding="utf-8") == text, name
        assert "url: https://wallstreetcn.com/articles/" in text
