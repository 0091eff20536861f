"""The seed news feed: exactly the three full transcripts, with the analysts of the issue's acceptance list."""

from __future__ import annotations

import pytest

from calls.model import Call, Role
from calls.pipeline import parse_file
from calls.segment.names import canonical_firm, same_person
from tests.conftest import SEED_FEED

EXPECTED = {
    "Lam Research": (
        "FY2026 Q2",
        [
            ("Tim Arcuri", "UBS"), ("C.J. Muse", "Cantor Fitzgerald"), ("Atif Malik", "Citi"),
            ("Vivek Arya", "BofA Securities"), ("Srini Pajjuri", "RBC Capital Markets"), ("Jim Schneider", "Goldman Sachs"),
            ("Krish Sankar", "TD Cowen"), ("Harlan Sur", "JPMorgan"), ("Stacy Rasgon", "Bernstein"),
            ("Blayne Curtis", "Jefferies"), ("Melissa Weathers", "Deutsche Bank"), ("Joe Quatrochi", "Wells Fargo"),
            ("Vijay Rakesh", "Mizuho"),
        ],
        ["Tim Archer", "Doug Bettinger", "Ram Ganesh"],
    ),
    "Meta": (
        "Q4 2025",
        [(n, None) for n in ["Brian Nowak", "Eric Sheridan", "Mark Shmulik", "Doug Anmuth", "Justin Post", "Ross Sandler", "Ron Josey", "Ken Gawrelski", "Mark Mahaney"]],
        ["Mark Zuckerberg", "Susan Li", "Kenneth Dorell"],
    ),
    "Microsoft": (
        "FY2026 Q2",
        [(n, None) for n in ["Keith Weiss", "Mark Moerdler", "Brent Thill", "Karl Keirstead", "Mark Murphy", "Brad Zelnick", "Raimo Lenschow"]],
        ["Satya Nadella", "Amy Hood", "Jonathan Neilson"],
    ),
}


def _named(call: Call, name: str):
    """The participant a name refers to, matched case-insensitively with aliases."""
    for participant in call.participants:
        if any(same_person(name, form) for form in (participant.name, *participant.aliases)):
            return participant
    raise AssertionError(f"{name} is not among {[p.name for p in call.participants]}")


def test_feed_yields_exactly_the_three_transcripts(seed_calls: tuple[Call, ...]) -> None:
    assert [c.company for c in seed_calls] == ["Lam Research", "Meta", "Microsoft"]
    assert {c.language for c in seed_calls} == {"zh"}
    assert [c.id for c in seed_calls] == ["LRCX-FY2026Q2", "META-2025Q4", "MSFT-FY2026Q2"]


@pytest.mark.parametrize("company", EXPECTED)
def test_analysts_ask_in_order_as_exchanges(seed_calls: tuple[Call, ...], company: str) -> None:
    call = next(c for c in seed_calls if c.company == company)
    period, analysts, executives = EXPECTED[company]
    assert call.fiscal_period == period
    slots: list[str] = []
    for pair in call.qa_pairs:
        if pair.exchange > len(slots):
            slots.append(pair.analyst)
    assert len(slots) == len(analysts)
    for slot, (name, firm) in zip(slots, analysts):
        participant = _named(call, name)
        assert participant.name == slot
        assert participant.role == Role.analyst
        if firm is not None:
            assert canonical_firm(participant.firm) == firm
    company_side = {p.name for p in call.participants if p.role in (Role.executive, Role.investor_relations)}
    assert {_named(call, name).name for name in executives} == company_side


def test_tim_arcuri_never_merges_with_tim_archer(seed_calls: tuple[Call, ...]) -> None:
    lam = seed_calls[0]
    arcuri, archer = _named(lam, "Timothy Arcuri"), _named(lam, "Tim Archer")
    assert arcuri is not archer
    assert (arcuri.role, archer.role) == (Role.analyst, Role.executive)
    assert "Timothy Arcuri" in arcuri.aliases
    assert _named(lam, "Christopher Muse").name == "C.J. Muse"
    assert _named(lam, "James Schneider").name == "Jim Schneider"


def test_transliterations_join_their_latin_names(seed_calls: tuple[Call, ...]) -> None:
    meta, microsoft = seed_calls[1], seed_calls[2]
    assert "马克·扎克伯格" in _named(meta, "Mark Zuckerberg").aliases
    assert "马克·莫德勒" in _named(microsoft, "Mark Moerdler").aliases
    # The operator glossed 基思·多利弗 as Keith Weiss once, but the IR host glossed it as Keith Dolliver:
    # an ambiguous transliteration joins nobody.
    assert "基思·多利弗" not in _named(microsoft, "Keith Weiss").aliases


def test_unnamed_question_takes_the_operators_introduction(seed_calls: tuple[Call, ...]) -> None:
    meta = seed_calls[1]
    pair = next(p for p in meta.qa_pairs if p.exchange == 4)
    assert (pair.analyst, pair.firm) == ("Doug Anmuth", "JPMorgan")


def test_summaries_and_news_are_skipped_with_reasons() -> None:
    calls, skipped = parse_file(SEED_FEED)
    assert len(calls) == 3
    assert len(skipped) == 49
    summaries = {s.source.title for s in skipped if s.reason.startswith("a summary of a call")}
    assert any("海力士电话会" in t for t in summaries)
    assert any("特斯拉电话会" in t for t in summaries)
    assert all(s.reason.startswith(("a summary of a call", "a news article")) for s in skipped)


def test_non_answer_of_the_cfo_is_in_the_answer_to_tim_arcuri(seed_calls: tuple[Call, ...]) -> None:
    lam = seed_calls[0]
    first = lam.qa_pairs[0]
    answers = " ".join(lam.turns[i].text for i in first.answer_turns)
    assert "我们很难给出一个具体数字,坐在这里我要拒绝这样做" in answers
