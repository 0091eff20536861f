"""Hedges, forward-looking cues and non-answers against human labels (tests/gold/labels.json), both languages."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from calls.analyse import analyse_text
from calls.analyse.lexicons import hedge_lexicon, non_answer_lexicon
from calls.model import Call
from tests.conftest import GOLD

LABELS = json.loads((GOLD / "labels.json").read_text(encoding="utf-8"))
ROLES = {"answer": ("executive", "qa"), "remarks": ("executive", "prepared_remarks"), "question": ("analyst", "qa")}
# The agreement the taggers must keep with the human labels (precision and recall per label family).
BAR = {"hedge": 0.85, "forward_looking": 0.85, "non_answer": 0.85}


def _predict(item: dict) -> tuple[set[str], bool, str | None]:
    role, section = ROLES[item["role"]]
    tags, _ = analyse_text(item["text"], item["language"], role, section)
    hedges = {t.category for t in tags if t.kind == "hedge"}
    forward = any(t.kind == "forward_looking" for t in tags)
    evasions = [t for t in tags if t.kind == "non_answer"]
    return hedges, forward, (min(evasions, key=lambda t: t.start).category if evasions else None)


def test_label_agreement(capsys: pytest.CaptureFixture[str]) -> None:
    counts: dict[str, Counter] = {family: Counter() for family in BAR}
    for item in LABELS:
        hedges, forward, evasion = _predict(item)
        for category in hedges | set(item["hedges"]):
            counts["hedge"][("tp" if category in hedges and category in item["hedges"] else "fp" if category in hedges else "fn")] += 1
        if forward or item["forward_looking"]:
            counts["forward_looking"]["tp" if forward and item["forward_looking"] else "fp" if forward else "fn"] += 1
        if evasion or item["non_answer"]:
            counts["non_answer"]["tp" if evasion == item["non_answer"] else "fn" if evasion is None else "fp"] += 1
            if evasion and item["non_answer"] and evasion != item["non_answer"]:
                counts["non_answer"]["fn"] += 1
    scores = {}
    with capsys.disabled():
        print(f"\nlabel agreement on {len(LABELS)} sentences      precision  recall")
        for family, c in counts.items():
            precision = c["tp"] / max(1, c["tp"] + c["fp"])
            recall = c["tp"] / max(1, c["tp"] + c["fn"])
            scores[family] = (precision, recall)
            print(f"  {family:18} {precision:9.3f} {recall:7.3f}   (tp {c['tp']}, fp {c['fp']}, fn {c['fn']})")
    for family, (precision, recall) in scores.items():
        assert precision >= BAR[family] and recall >= BAR[family], family


def test_doug_bettingers_answer_to_tim_arcuri_is_a_non_answer(seed_calls: tuple[Call, ...]) -> None:
    lam = seed_calls[0]
    first = lam.qa_pairs[0]
    assert first.analyst == "Tim Arcuri"
    assert first.non_answer in ("refuse", "unable")
    assert any("拒绝" in cue or "很难给出" in cue for cue in first.non_answer_cues)


@pytest.mark.parametrize("punctuation", [",", ","])
def test_non_answer_with_either_comma(punctuation: str) -> None:
    text = f"我们很难给出一个具体数字{punctuation}坐在这里我要拒绝这样做。"
    tags, _ = analyse_text(text, "zh", "executive", "qa")
    assert {t.category for t in tags if t.kind == "non_answer"} == {"unable", "refuse"}


def test_non_answers_only_in_management_answers() -> None:
    text = "We're not going to give a number for that."
    assert any(t.kind == "non_answer" for t in analyse_text(text, "en", "executive", "qa")[0])
    assert not any(t.kind == "non_answer" for t in analyse_text(text, "en", "executive", "prepared_remarks")[0])
    assert not any(t.kind == "non_answer" for t in analyse_text(text, "en", "analyst", "qa")[0])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_lexicon_entry_compiles_and_matches_itself(language: str) -> None:
    import re

    for category, patterns in non_answer_lexicon()[language].items():
        for pattern in patterns:
            re.compile(pattern, re.IGNORECASE)
    for category, cues in hedge_lexicon()[language].items():
        assert cues, category
        assert len(cues) == len(set(cues)), f"duplicates in {language}.{category}"


def test_folded_text_keeps_every_offset() -> None:
    from calls.analyse.lexicons import fold

    assert fold("Roughly İstanbul ÉTÉ 收入") == "roughly İstanbul été 收入"
    assert len(fold("İİİ abc")) == len("İİİ abc")


def test_cues_keep_their_case_as_written() -> None:
    tags, _ = analyse_text("Approximately 40% of it. We Expect growth, Probably.", "en")
    cues = {(t.kind, t.cue) for t in tags}
    assert ("hedge", "Approximately") in cues
    assert ("hedge", "Probably") in cues
    assert ("forward_looking", "Expect") in cues
