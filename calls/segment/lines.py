"""Line-level structure of a transcript: headings, rules, participant-list entries, speaker-line candidates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from calls.rules import any_of, any_word, format_rules
from calls.segment.names import NameStrength, clean_name, name_strength, split_bracketed


@dataclass(frozen=True)
class Line:
    """One line of the normalised text, with its offsets."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SpeakerCandidate:
    """A line that has the shape of a speaker line; whether it is one depends on its name."""

    line: Line
    layout: str
    name: str  # as written, bracketed part included
    affiliation: str | None
    qa: str | None  # "Q" or "A" in Bloomberg-style lines
    number: int | None
    body_start: int  # offset where the turn's text starts (same line for inline text, else the next line)
    strength: NameStrength


_RULE_LINE = re.compile(r"^[\s=\-_*~#·•]{3,}$")
# Markdown emphasis and heading marks are blanked (same length) so offsets stay true.
_DECORATION = re.compile(r"[*#_]")
_BULLET = re.compile(r"^\s*(?:[*•·\-–—]|\d{1,2}[.)])\s+")


def split_lines(text: str) -> list[Line]:
    """Every line of `text` with its start and end offsets (end excludes the newline)."""
    lines = []
    start = 0
    for index, raw in enumerate(text.split("\n")):
        lines.append(Line(index, start, start + len(raw), raw))
        start += len(raw) + 1
    return lines


def is_rule(line: Line) -> bool:
    """A decorative line such as `-----` or `=====`."""
    return bool(_RULE_LINE.match(line.text))


def undecorated(text: str) -> str:
    """The line with markdown emphasis marks replaced by spaces (offsets unchanged)."""
    return _DECORATION.sub(" ", text)


@cache
def _heading_patterns() -> dict[str, re.Pattern[str]]:
    rules = format_rules()
    return {
        kind: re.compile(rf"^\s*(?:{any_word(words).pattern})\s*[:：]?\s*$", re.IGNORECASE)
        for kind, words in rules.headings.items()
    }


def heading_kind(line: Line) -> str | None:
    """`prepared_remarks`, `qa`, `participants_company`, `participants_analysts`, `participants_any` or None."""
    if len(line.text) > 80:
        return None
    text = undecorated(line.text)
    for kind, pattern in _heading_patterns().items():
        if pattern.match(text):
            return kind
    return None


@cache
def _transcript_start() -> re.Pattern[str]:
    return any_of(format_rules().transcript_start)


def transcript_start(lines: list[Line]) -> int:
    """Index of the first line of the transcript proper: after a `全文如下`-style marker line, else 0."""
    pattern = _transcript_start()
    for line in lines:
        if len(line.text) <= 80 and pattern.search(line.text):
            return line.index + 1
    return 0


@cache
def _publisher_note() -> re.Pattern[str]:
    return any_of(format_rules().publisher_notes)


def is_publisher_note(line: Line) -> bool:
    """A publisher's footer or copyright line, not part of the call."""
    text = line.text.strip()
    return bool(text) and len(text) <= 80 and bool(_publisher_note().search(text))


@cache
def operator_pattern() -> re.Pattern[str]:
    """Matches a label that names the operator (optionally numbered, `Operator [1]`)."""
    return re.compile(rf"^\s*(?:{any_word(format_rules().operator_names).pattern})\s*$", re.IGNORECASE)


def is_operator_name(name: str) -> bool:
    """Whether a speaker label means the operator."""
    return bool(operator_pattern().match(name))


@cache
def _layouts() -> list[tuple[str, re.Pattern[str]]]:
    return [(layout.layout, re.compile(layout.pattern)) for layout in format_rules().speaker_lines]


def speaker_candidates(line: Line, next_line_start: int) -> list[SpeakerCandidate]:
    """Every reading of `line` as a speaker line, in the order of the layouts in `formats.toml`."""
    if not line.text.strip() or len(line.text) > 2000 and ":" not in line.text[:80] and "：" not in line.text[:80]:
        return []
    text = undecorated(line.text[:400])
    found = []
    for layout, pattern in _layouts():
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groupdict()
        name = groups.get("name")
        colon_after_number = layout == "numbered_question" and (":" in groups["sep"] or "：" in groups["sep"])
        if layout == "numbered_question" and name is None and not colon_after_number:
            continue  # `Q3 Fiscal 2025 Earnings Call` is a title, not `Q3: question`
        if layout == "numbered_question" and name is not None and name_strength(name) == NameStrength.none:
            if not colon_after_number:
                continue
            # `Q4:` followed by the question itself: the name comes from the operator's introduction.
            name = None
            text_start = match.start("name")
        else:
            text_start = match.start("text") if groups.get("text") else None
        if layout != "numbered_question" and not name:
            continue
        if text_start is not None and line.text[text_start:].strip():
            body_start = line.start + text_start
        else:
            body_start = next_line_start
        strength = NameStrength.strong if name is None else (
            NameStrength.strong if is_operator_name(name) else name_strength(name)
        )
        found.append(
            SpeakerCandidate(
                line=line,
                layout=layout,
                name=name or "",
                affiliation=(groups.get("affiliation") or None),
                qa=groups.get("qa"),
                number=int(groups["num"]) if groups.get("num") else None,
                body_start=body_start,
                strength=strength,
            )
        )
    return found


@dataclass(frozen=True)
class ListEntry:
    """One person in a participant list."""

    line: Line
    name: str
    parts: list[str]  # title and/or firm pieces, in order


_ENTRY_SPLIT = re.compile(r"\s+--\s+|\s+[-–—]\s+|\s*[,，]\s*")


def list_entry(line: Line) -> ListEntry | None:
    """Read a participant-list line (`Name, Title`, `Name - Firm - Analyst`, `* Name`), or None."""
    text = _BULLET.sub("", undecorated(line.text)).strip()
    if not text or len(text) > 200:
        return None
    pieces = [p.strip() for p in _ENTRY_SPLIT.split(text) if p.strip()]
    if not pieces:
        return None
    name, _ = split_bracketed(pieces[0])
    # `Raimo Lenschow (Transcript中误写为…)`: a note in brackets after the name is not part of it.
    if name_strength(pieces[0]) == NameStrength.none and name_strength(name) == NameStrength.none:
        return None
    if is_operator_name(name):
        return None
    strength = max(name_strength(pieces[0]), name_strength(name))
    if strength == NameStrength.weak and len(pieces) == 1:
        return None
    written = pieces[0] if name_strength(pieces[0]) == NameStrength.strong else name
    return ListEntry(line=line, name=clean_name(written), parts=pieces[1:])


def bullet_only(line: Line) -> bool:
    """A list line that is only a bulleted name (` * Tim Archer`), its title on the next line."""
    return bool(_BULLET.match(line.text))
