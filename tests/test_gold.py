"""Every sample transcript against its gold file: roster, analyst order, questions, exchanges, metadata."""

from __future__ import annotations


import pytest

from calls.model import Call
from tests.conftest import ROOT, gold_files, load_gold, parsed


def _call(gold: dict) -> Call:
    calls = parsed(ROOT / gold["file"])
    assert len(calls) == 1
    return calls[0]


def _speakers(call: Call) -> list[dict]:
    spoken = []
    for turn in call.turns:
        if turn.speaker not in spoken:
            spoken.append(turn.speaker)
    by_name = {p.name: p for p in call.participants}
    return [{"name": n, "role": by_name[n].role.value, "firm": by_name[n].firm} for n in spoken]


@pytest.fixture(params=gold_files(), ids=lambda p: p.stem)
def gold(request: pytest.FixtureRequest) -> dict:
    return load_gold(request.param)


def test_metadata_matches_gold(gold: dict) -> None:
    call = _call(gold)
    assert (call.company, call.ticker, call.fiscal_period, call.language) == (
        gold["company"], gold["ticker"], gold["fiscal_period"], gold["language"]
    )
    assert (call.call_date.isoformat() if call.call_date else None) == gold["call_date"]


def test_roster_matches_gold(gold: dict) -> None:
    assert _speakers(_call(gold)) == gold["roster"]


def test_analyst_order_and_exchanges_match_gold(gold: dict) -> None:
    call = _call(gold)
    order = []
    for pair in call.qa_pairs:
        if pair.exchange > len(order):
            order.append(pair.analyst)
    assert order == gold["analyst_order"]
    assert len({p.exchange for p in call.qa_pairs}) == gold["exchanges"]


def test_question_pairs_match_gold(gold: dict) -> None:
    call = _call(gold)
    assert sum(len(p.question_turns) for p in call.qa_pairs) == gold["question_turns"]
    pairs = [{"exchange": p.exchange, "analyst": p.analyst, "answered_by": p.answered_by} for p in call.qa_pairs]
    assert pairs == gold["qa_pairs"]
