"""Turns point into the normalised text exactly, in order, and no transcript text is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from calls.model import Call, SectionKind
from calls.segment.lines import Line, heading_kind, is_publisher_note, is_rule, list_entry
from tests.conftest import SEED_FEED, TRANSCRIPTS, parsed

SAMPLES = sorted(p for p in TRANSCRIPTS.iterdir() if p.suffix in (".txt", ".json"))


def _calls(path: Path) -> tuple[Call, ...]:
    return parsed(path)


def _structural(raw: str, label: str) -> bool:
    """A line outside every turn must be the next turn's speaker line, a heading, a list line, a rule or a publisher note."""
    line = Line(0, 0, len(raw), raw)
    stripped = raw.strip()
    return (
        not stripped
        or stripped in label
        or is_rule(line)
        or heading_kind(line) is not None
        or list_entry(line) is not None
        or is_publisher_note(line)
    )


@pytest.mark.parametrize("path", [*SAMPLES, SEED_FEED], ids=lambda p: p.name)
def test_turns_are_exact_ordered_and_lose_nothing(path: Path) -> None:
    for call in _calls(path):
        text = call.text
        preamble_end = next((s.end for s in call.sections if s.kind == SectionKind.preamble), 0)
        previous_end = preamble_end
        for turn in call.turns:
            assert text[turn.start: turn.end] == turn.text
            assert turn.text == turn.text.strip() and turn.text
            assert turn.start >= previous_end, f"turn {turn.index} overlaps the one before"
            gap = text[previous_end: turn.start]
            lost = [line for line in gap.split("\n") if not _structural(line, turn.label)]
            assert not lost, f"text lost before turn {turn.index}: {lost[:3]}"
            previous_end = turn.end
        tail = [line for line in text[previous_end:].split("\n") if not _structural(line, "")]
        assert not tail, f"text lost after the last turn: {tail[:3]}"


@pytest.mark.parametrize("path", [*SAMPLES, SEED_FEED], ids=lambda p: p.name)
def test_sections_tile_the_text_and_pairs_point_at_turns(path: Path) -> None:
    for call in _calls(path):
        assert call.sections[0].start == 0 and call.sections[-1].end == len(call.text)
        for before, after in zip(call.sections, call.sections[1:]):
            assert before.end == after.start
        qa_start = next(s.start for s in call.sections if s.kind == SectionKind.qa)
        for turn in call.turns:
            assert (turn.section == SectionKind.qa) == (turn.start >= qa_start)
        for pair in call.qa_pairs:
            for index in pair.question_turns:
                assert call.turns[index].speaker == pair.analyst
            assert all(call.turns[i].section == SectionKind.qa for i in pair.question_turns + pair.answer_turns)
