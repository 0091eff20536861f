"""Segmentation: a Document becomes a Call with sections, participants, turns and Q&A pairs."""

from __future__ import annotations

import hashlib
import re
from functools import cache

from calls.ingest.metadata import company_by_name_or_ticker
from calls.model import Call, Document, Participant, Role, Section, SectionKind, Turn
from calls.rules import any_of, format_rules
from calls.segment.names import name_key
from calls.segment.qa import is_question, pair_questions
from calls.segment.roster import (
    Introduction,
    Person,
    Roster,
    appositive_title,
    bracket_aliases,
    introductions,
    role_from_title,
    seed_company_people,
)
from calls.segment.turns import Heading, RawTurn, find_structure, turns_from_segments

__all__ = ["segment", "call_id", "is_question"]

_UNIDENTIFIED = "Unidentified analyst"


@cache
def _handover() -> re.Pattern[str]:
    return any_of(format_rules().qa_handover)


def call_id(ticker: str | None, period: str | None, company: str | None, path: str, content_hash: str) -> str:
    """`LRCX-FY2026Q2`, `META-2025Q4`; without ticker or period, a slug plus the start of the content hash."""
    if period:
        calendar = re.fullmatch(r"Q([1-4]) (\d{4})", period)
        compact = f"{calendar.group(2)}Q{calendar.group(1)}" if calendar else period.replace(" ", "")
    else:
        compact = None
    if ticker and compact:
        return f"{ticker}-{compact}"
    stem = ticker or company or re.sub(r"\.[^.]*$", "", path.replace("\\", "/").rsplit("/", 1)[-1])
    slug = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", stem).strip("-") or "call"
    return f"{slug}-{compact or content_hash[:8]}"


def segment(document: Document) -> Call:
    """Find the sections, participants, turns and Q&A pairs of a transcript."""
    text = document.text
    company = company_by_name_or_ticker(document.ticker or "") or company_by_name_or_ticker(document.company or "")
    roster = Roster()
    known = seed_company_people(roster, company)
    glosses = bracket_aliases(text)
    for zh, latin in glosses.items():
        known.setdefault(name_key(zh), known.get(name_key(latin), (latin, None, (zh,))))

    if document.segments is not None:
        raw_turns = turns_from_segments(document.segments, roster, known)
        headings: list[Heading] = []
        intros = introductions(text)
    else:
        structure = find_structure(text, roster, known)
        raw_turns, headings, intros = structure.turns, structure.headings, structure.introductions

    _apply_introductions(intros, raw_turns, roster, glosses)
    _apply_appositive_titles(text, raw_turns)
    sections = _sections(text, headings, raw_turns)
    _settle_roles(raw_turns, sections)
    turns = _public_turns(text, raw_turns, sections)
    firms = {p.display_name(): p.firm for p in roster.people if p.role == Role.analyst}
    qa_pairs = pair_questions(turns, firms)

    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Call(
        id=call_id(document.ticker, document.fiscal_period, document.company, document.source.path, content_hash),
        company=document.company,
        ticker=document.ticker,
        fiscal_period=document.fiscal_period,
        call_date=document.call_date,
        language=document.language or "en",
        source=document.source,
        content_hash=content_hash,
        text=text,
        participants=_participants(roster, raw_turns),
        sections=sections,
        turns=turns,
        qa_pairs=qa_pairs,
    )


def _apply_introductions(intros: list[Introduction], turns: list[RawTurn], roster: Roster, glosses: dict[str, str]) -> None:
    """Operator introductions give analysts their firm, and name the asker of an unnamed `Q4:` question.

    A transliteration becomes an alias only when the transcript glosses it with one Latin name throughout.
    """
    for intro in intros:
        person = roster.find(intro.name)
        if person is not None and person.role in (Role.unknown, Role.analyst):
            person.role = Role.analyst
            person.firm = person.firm or intro.firm
            roster.alias(person, intro.name)
            if glosses.get(intro.written) == intro.name:
                roster.alias(person, intro.written)
    for turn in turns:
        if turn.person.names[0] != _UNIDENTIFIED:
            continue
        before = [i for i in intros if i.start < turn.label_start]
        if before:
            turn.person = roster.add(before[-1].name, role=Role.analyst, firm=before[-1].firm)
            turn.person.spoken.append(before[-1].name)


def _apply_appositive_titles(text: str, turns: list[RawTurn]) -> None:
    """Speakers whose lines carry no title take one the transcript gives them in passing."""
    for person in {id(t.person): t.person for t in turns}.values():
        if person.title or person.role in (Role.operator, Role.analyst):
            continue
        for name in person.names:
            title = appositive_title(text, name)
            if title:
                person.title = title
                if person.role == Role.unknown or role_from_title(title) == Role.investor_relations:
                    person.role = role_from_title(title)
                break


def _sections(text: str, headings: list[Heading], turns: list[RawTurn]) -> list[Section]:
    """Preamble, prepared remarks and Q&A, from headings or, without a Q&A heading, the operator's handover."""
    first_turn = turns[0].label_start if turns else len(text)
    prepared_heading = next((h for h in headings if h.kind == "prepared_remarks"), None)
    qa_heading = next((h for h in headings if h.kind == "qa" and h.start >= (prepared_heading.start if prepared_heading else 0)), None)
    prepared_start = min(prepared_heading.start, first_turn) if prepared_heading else first_turn
    qa_start: int | None = qa_heading.start if qa_heading else None
    if qa_start is None:
        qa_start = _handover_start(text, turns)
    bounds: list[tuple[SectionKind, int, str | None]] = []  # kind, start, heading; each ends where the next starts
    if prepared_start > 0:
        bounds.append((SectionKind.preamble, 0, None))
    bounds.append((SectionKind.prepared_remarks, prepared_start, prepared_heading.text if prepared_heading else None))
    if qa_start is not None:
        bounds.append((SectionKind.qa, max(qa_start, prepared_start), qa_heading.text if qa_heading else None))
    sections = []
    for i, (kind, begin, heading) in enumerate(bounds):
        end = bounds[i + 1][1] if i + 1 < len(bounds) else len(text)
        if end > begin:
            sections.append(Section(kind=kind, heading=heading, start=begin, end=end))
    return sections


def _handover_start(text: str, turns: list[RawTurn]) -> int | None:
    """Where Q&A starts without a heading: the operator's hand-over to questions, else the first question."""
    seen_speaker = False
    for turn in turns:
        if turn.person.role == Role.operator:
            if seen_speaker and _handover().search(text[turn.start: turn.end]):
                return turn.label_start
        else:
            seen_speaker = True
    for turn in turns:
        if turn.qa == "Q" or turn.person.role == Role.analyst:
            return turn.label_start
    return None


def _section_at(sections: list[Section], offset: int) -> SectionKind:
    kind = SectionKind.preamble
    for section in sections:
        if section.start <= offset:
            kind = section.kind
    return kind


def _settle_roles(turns: list[RawTurn], sections: list[Section]) -> None:
    """Speakers with no role yet: executives if they speak in prepared remarks, analysts if introduced and asking."""
    first_section: dict[int, SectionKind] = {}
    for turn in turns:
        first_section.setdefault(id(turn.person), _section_at(sections, turn.label_start))
    previous_role: Role | None = None
    for turn in turns:
        person = turn.person
        if person.role == Role.unknown:
            if first_section[id(person)] == SectionKind.qa and previous_role == Role.operator:
                person.role = Role.analyst
            elif first_section[id(person)] == SectionKind.qa and previous_role == Role.executive:
                person.role = Role.executive
            elif first_section[id(person)] != SectionKind.qa:
                person.role = Role.executive
        previous_role = person.role
    for turn in turns:
        if turn.person.role == Role.unknown:
            turn.person.role = Role.executive


def _public_turns(text: str, turns: list[RawTurn], sections: list[Section]) -> list[Turn]:
    return [
        Turn(
            index=i,
            speaker=turn.person.display_name(),
            role=turn.person.role,
            section=_section_at(sections, turn.label_start),
            text=text[turn.start: turn.end],
            start=turn.start,
            end=turn.end,
            label=turn.label,
        )
        for i, turn in enumerate(turns)
    ]


def _participants(roster: Roster, turns: list[RawTurn]) -> list[Participant]:
    """Everyone who speaks, in order of first speaking, then listed people who do not speak."""
    ordered: list[Person] = []
    for turn in turns:
        if turn.person not in ordered:
            ordered.append(turn.person)
    for person in roster.people:
        if person.listed and person not in ordered and person.names[0] != _UNIDENTIFIED:
            ordered.append(person)
    return [person.to_participant() for person in ordered]

