"""Every rule of formats.toml does what its entry says: headings, operator names, speaker-line layouts."""

from __future__ import annotations

import pytest

from calls.rules import format_rules
from calls.segment.lines import Line, heading_kind, is_operator_name, is_publisher_note, speaker_candidates
from calls.segment.roster import Roster
from calls.segment.turns import _accept

RULES = format_rules()


def _line(text: str) -> Line:
    return Line(0, 0, len(text), text)


@pytest.mark.parametrize(
    ("kind", "heading"), [(kind, h) for kind, words in RULES.headings.items() for h in words]
)
def test_every_heading_is_recognised(kind: str, heading: str) -> None:
    assert heading_kind(_line(heading)) == kind
    assert heading_kind(_line(f"**{heading}:**")) == kind


def test_headings_must_fill_the_line() -> None:
    assert heading_kind(_line("问答环节分析师")) == "participants_analysts"
    assert heading_kind(_line("We now open the Q&A session for questions")) is None


@pytest.mark.parametrize("name", RULES.operator_names)
def test_every_operator_name(name: str) -> None:
    assert is_operator_name(name) and is_operator_name(name.upper())


def test_publisher_notes() -> None:
    assert is_publisher_note(_line("本文来自华尔街见闻,欢迎下载APP查看更多"))
    assert not is_publisher_note(_line("Thank you, and all rights reserved for questions later in the call, as always."))


def _accepted_layout(text: str) -> str | None:
    for candidate in speaker_candidates(_line(text), len(text) + 1):
        if candidate.layout == "name_alone":
            return "name_alone" if _accept(candidate, Roster(), {}) else None
        if _accept(candidate, Roster(), {}):
            return candidate.layout
    return None


@pytest.mark.parametrize(
    ("layout", "example"),
    [(layout.layout, e) for layout in RULES.speaker_lines if layout.layout != "name_alone" for e in layout.examples],
)
def test_every_speaker_line_example_is_read_with_its_layout(layout: str, example: str) -> None:
    assert _accepted_layout(example) == layout


@pytest.mark.parametrize(
    "counter", [c for layout in RULES.speaker_lines for c in layout.counter_examples]
)
def test_no_counter_example_starts_a_turn(counter: str) -> None:
    assert _accepted_layout(counter) is None


def test_a_name_alone_needs_to_be_known() -> None:
    roster = Roster()
    candidate = next(c for c in speaker_candidates(_line("Tim Archer"), 11) if c.layout == "name_alone")
    assert not _accept(candidate, roster, {})
    roster.add("Timothy Archer")
    assert _accept(candidate, roster, {})
    operator = next(c for c in speaker_candidates(_line("主持人"), 4) if c.layout == "name_alone")
    assert _accept(operator, Roster(), {})
