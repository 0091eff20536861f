"""Speaker lines, participant lists and turns: from normalised text to who said what, where."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from calls.model import Role, SpeakerSpan
from calls.segment.lines import (
    Line,
    SpeakerCandidate,
    bullet_only,
    heading_kind,
    is_operator_name,
    is_publisher_note,
    is_rule,
    list_entry,
    speaker_candidates,
    split_lines,
    transcript_start,
)
from calls.segment.names import NameStrength, canonical_firm, clean_name, name_key, split_bracketed
from calls.segment.roster import Introduction, Person, Roster, introductions, read_affiliation, role_from_title


# More `Name: text` speakers than this who each speak once make a list, not a call.
MAX_ONE_OFF_SPEAKERS = 300


@dataclass(frozen=True)
class Heading:
    """A section or participant-list heading."""

    kind: str
    start: int
    end: int
    text: str


@dataclass(eq=False)
class RawTurn:
    """A turn before roles are final: the speaker, the label span and the text span."""

    person: Person
    label: str
    label_start: int
    start: int
    end: int
    qa: str | None = None  # Q / A marker of the label, when the layout has one
    numbered_question: bool = False


@dataclass
class Structure:
    """What the line pass found."""

    transcript_start: int  # offset where the transcript proper begins
    headings: list[Heading]
    turns: list[RawTurn]
    introductions: list[Introduction]  # the operator's introductions of analysts, in order


def _read_participant_lists(lines: list[Line], first: int, roster: Roster) -> tuple[set[int], list[Heading]]:
    """Participant-list blocks after their headings; returns the indices of their lines and all headings."""
    taken: set[int] = set()
    headings: list[Heading] = []
    context: str | None = None
    previous: Person | None = None
    for line in lines[first:]:
        if is_publisher_note(line):
            taken.add(line.index)
            continue
        kind = heading_kind(line)
        if kind:
            headings.append(Heading(kind, line.start, line.end, line.text.strip()))
            context = kind if kind.startswith("participants") else None
            taken.add(line.index)
            previous = None
            continue
        if context is None:
            continue
        if not line.text.strip() or is_rule(line):
            taken.add(line.index)
            continue
        if previous is not None and not bullet_only(line) and line.text[:1].isspace():
            # Refinitiv puts `Firm - Title` on the line under ` * Name`.
            role, title, firm = read_affiliation(_split_affiliation(line.text.strip()), context)
            _merge_affiliation(previous, role, title, firm)
            taken.add(line.index)
            previous = None
            continue
        entry = list_entry(line)
        if entry is None:
            context = None
            previous = None
            continue
        role, title, firm = read_affiliation(entry.parts, context)
        if role == Role.unknown and context == "participants_company":
            role = Role.executive
        person = roster.add(entry.name, role=role, title=title, firm=firm, listed=True)
        previous = person if not entry.parts else None
        taken.add(line.index)
    return taken, headings


def _split_affiliation(text: str) -> list[str]:
    return [p.strip() for p in text.replace(" -- ", " - ").split(" - ") if p.strip()]


def _merge_affiliation(person: Person, role: Role, title: str | None, firm: str | None) -> None:
    if role != Role.unknown:
        person.role = role
    person.title = person.title or title
    person.firm = person.firm or firm


def _accept(candidate: SpeakerCandidate, roster: Roster, known: dict[str, tuple]) -> bool:
    """Whether a candidate is a real speaker line: its name must be a name, and a weak one must be known."""
    if candidate.layout == "numbered_question" and not candidate.name:
        return True
    name = candidate.name
    if is_operator_name(name):
        return True
    if candidate.strength == NameStrength.none:
        return False
    is_known = roster.find(name) is not None or any(
        name_key(form) in known for form in split_bracketed(name) if form
    )
    if candidate.layout == "name_alone":
        return is_known
    if candidate.layout == "name_title_colon":
        role = role_from_title(candidate.affiliation)
        return is_known or (candidate.strength == NameStrength.strong and role != Role.unknown)
    if candidate.layout == "double_dash":
        role, _, _ = read_affiliation(_split_affiliation(candidate.affiliation or ""), None)
        return is_known or (candidate.strength == NameStrength.strong and role != Role.unknown)
    return is_known or candidate.strength == NameStrength.strong


def find_structure(text: str, roster: Roster, known: dict[str, tuple]) -> Structure:
    """Headings, participant lists and speaker turns of a transcript's text."""
    lines = split_lines(text)
    first = transcript_start(lines)
    start_offset = lines[first].start if first < len(lines) else len(text)
    taken, headings = _read_participant_lists(lines, first, roster)

    # Pass 1: every line that reads as a speaker line with a real name.
    chosen: dict[int, SpeakerCandidate] = {}
    alone: dict[int, SpeakerCandidate] = {}
    for line in lines[first:]:
        if line.index in taken:
            continue
        next_start = lines[line.index + 1].start if line.index + 1 < len(lines) else len(text)
        for candidate in speaker_candidates(line, next_start):
            if candidate.layout == "name_alone":
                alone[line.index] = candidate
                break
            if _accept(candidate, roster, known):
                chosen[line.index] = candidate
                break

    intros = introductions(text, start_offset)
    introduced = Roster()
    for intro in intros:
        introduced.add(intro.name)
    _drop_one_off_names(chosen, roster, known, introduced, text)

    # Pass 2: a name alone on its line counts once the name is known from a list, an introduction or a speaker line.
    spoken = introduced
    for candidate in chosen.values():
        if candidate.name:
            spoken.add(candidate.name)
    for index, candidate in alone.items():
        if spoken.find(candidate.name) is not None or _accept(candidate, roster, known):
            chosen[index] = candidate

    turns = _build_turns(text, lines, chosen, taken, headings, roster, known)
    return Structure(start_offset, headings, turns, intros)


def _drop_one_off_names(
    chosen: dict[int, SpeakerCandidate], roster: Roster, known: dict[str, tuple], introduced: Roster, text: str
) -> None:
    """Forget `Name: text` lines whose name nobody lists, introduces, addresses or repeats (`Business Update: …`)."""
    counts = Counter(name_key(c.name) for c in chosen.values() if c.name)
    if len(chosen) < 3:
        return
    one_offs = [i for i, c in chosen.items() if c.layout == "name_colon" and c.name and counts[name_key(c.name)] == 1]
    if len(one_offs) > MAX_ONE_OFF_SPEAKERS:
        # Hundreds of names that each speak once: not a transcript's speakers; read the lines as text
        # (and do not search the whole text once per name).
        for index in one_offs:
            if not is_operator_name(chosen[index].name) and roster.find(chosen[index].name) is None:
                del chosen[index]
        return
    dropped = []
    for index, candidate in list(chosen.items()):
        if candidate.layout not in ("name_colon",) or not candidate.name or is_operator_name(candidate.name):
            continue
        if candidate.body_start > candidate.line.end:
            continue  # `Name:` alone on its line is a speaker line, not a sentence
        if counts[name_key(candidate.name)] > 1:
            continue
        if roster.find(candidate.name) or introduced.find(candidate.name):
            continue
        if _mentioned_elsewhere(text, clean_name(candidate.name), candidate.line.start):
            continue
        if _addressed(text, clean_name(candidate.name)):
            continue
        if any(name_key(form) in known for form in split_bracketed(candidate.name) if form):
            continue
        dropped.append(index)
    remaining = [c for i, c in chosen.items() if i not in dropped and c.name and not is_operator_name(c.name)]
    if not remaining:
        return  # never leave the operator talking to nobody: with no other evidence, the names stand
    for index in dropped:
        del chosen[index]


def _mentioned_elsewhere(text: str, name: str, label_start: int) -> bool:
    """A full name that also occurs outside its speaker line (`…hand the call over to Tom Becker`)."""
    if len(name.split()) < 2:
        return False
    lowered = text.casefold()
    needle = name.casefold()
    position = lowered.find(needle)
    while position >= 0:
        if not label_start <= position < label_start + len(needle) + 4:
            return True
        position = lowered.find(needle, position + 1)
    return False


def _addressed(text: str, name: str) -> bool:
    """The transcript speaks to this person by first name (`Thanks, John.`, `John, anything to add?`)."""
    given = name.split()[0]
    if len(given) < 2 or not given[:1].isupper():
        return False
    escaped = re.escape(given)
    return bool(re.search(rf"(?:,\s*{escaped}[.,?!]|(?:^|[.?!]\s+){escaped},)", text, re.MULTILINE))


def _build_turns(
    text: str,
    lines: list[Line],
    chosen: dict[int, SpeakerCandidate],
    taken: set[int],
    headings: list[Heading],
    roster: Roster,
    known: dict[str, tuple],
) -> list[RawTurn]:
    """One turn per speaker line; its text runs to the next speaker line, heading or participant list."""
    stops = sorted(set(chosen) | taken)
    turns: list[RawTurn] = []
    for index in sorted(chosen):
        candidate = chosen[index]
        following = bisect_right(stops, index)
        end = lines[stops[following]].start if following < len(stops) else len(text)
        start = min(candidate.body_start, end)
        start, end = _trim(text, start, end)
        if start == end:
            continue  # a speaker line with nothing after it says nothing
        person = _speaker(candidate, roster, known)
        turns.append(
            RawTurn(
                person=person,
                label=candidate.line.text.strip() if candidate.body_start > candidate.line.end else text[candidate.line.start:candidate.body_start].strip(),
                label_start=candidate.line.start,
                start=start,
                end=end,
                qa=candidate.qa or ("Q" if candidate.layout == "numbered_question" else None),
                numbered_question=candidate.layout == "numbered_question",
            )
        )
    return turns


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past surrounding whitespace and decorative rule lines."""
    while True:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        line_end = text.find("\n", start, end)
        first_line = text[start: end if line_end < 0 else line_end]
        if first_line and is_rule(Line(0, 0, 0, first_line)) and line_end >= 0:
            start = line_end + 1
            continue
        last_start = text.rfind("\n", start, end) + 1
        if last_start > start and is_rule(Line(0, 0, 0, text[last_start:end])):
            end = last_start
            continue
        if first_line and line_end < 0 and is_rule(Line(0, 0, 0, first_line)):
            return start, start
        return start, end


def _speaker(candidate: SpeakerCandidate, roster: Roster, known: dict[str, tuple]) -> Person:
    """The roster person a speaker line names, added with what its layout says about them."""
    if candidate.layout == "numbered_question" and not candidate.name:
        return roster.add("Unidentified analyst", role=Role.analyst)
    name = candidate.name
    if is_operator_name(name):
        person = roster.add("Operator", role=Role.operator)
        roster.alias(person, name)
        return person
    parts = _split_affiliation(candidate.affiliation) if candidate.affiliation else []
    if candidate.layout == "name_title_colon" and candidate.affiliation:
        parts = [candidate.affiliation]
    if candidate.layout == "refinitiv" and candidate.affiliation:
        parts = [p for p in _split_affiliation(candidate.affiliation)]
    role, title, firm = read_affiliation(parts, None)
    if candidate.qa == "Q" or candidate.layout == "numbered_question":
        role = Role.analyst
    elif candidate.qa == "A" and role == Role.unknown:
        role = Role.executive
    aliases: tuple[str, ...] = ()
    for form in split_bracketed(name):
        entry = known.get(name_key(form)) if form else None
        if entry:
            canonical, known_title, known_aliases = entry
            aliases = (name, *known_aliases)
            title = title or known_title
            if role == Role.unknown:
                role = role_from_title(known_title)
            name = canonical
            break
    person = roster.add(name, role=role, title=title, firm=firm, aliases=aliases)
    person.spoken.append(clean_name(candidate.name) if candidate.name.isascii() or not aliases else name)
    return person


def turns_from_segments(segments: list[SpeakerSpan], roster: Roster, known: dict[str, tuple]) -> list[RawTurn]:
    """Turns given by the input itself (JSON transcript APIs)."""
    turns = []
    for segment in segments:
        role = Role(segment.role) if segment.role in Role.__members__ else role_from_title(segment.role)
        if role == Role.unknown:
            role = role_from_title(segment.title)
        if is_operator_name(segment.speaker):
            role = Role.operator
        person = roster.add(segment.speaker, role=role, title=segment.title, firm=canonical_firm(segment.firm), listed=True)
        person.spoken.append(segment.speaker)
        label_start = max(0, segment.start - len(segment.speaker) - 1)
        turns.append(RawTurn(person, segment.speaker, label_start, segment.start, segment.end, qa="Q" if role == Role.analyst else None))
    return turns
