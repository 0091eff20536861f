"""The participant roster: who is on the call, their role and firm, and every name form they go by."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from calls.model import Participant, Role
from calls.rules import Company, any_of, format_rules
from calls.segment.names import (
    CJK,
    NameStrength,
    canonical_firm,
    clean_name,
    is_latin,
    name_key,
    name_strength,
    same_person,
    split_bracketed,
)


@dataclass(eq=False)
class Person:
    """A participant while the roster is being built."""

    names: list[str]  # every form seen, first one first
    role: Role = Role.unknown
    title: str | None = None
    firm: str | None = None
    spoken: list[str] = field(default_factory=list)  # forms used in speaker lines
    listed: bool = False

    def display_name(self) -> str:
        """Latin speaker-line form first, then any Latin form, then the first form."""
        for candidates in (self.spoken, self.names):
            for name in candidates:
                if is_latin(name):
                    return name
        return (self.spoken or self.names)[0]

    def to_participant(self) -> Participant:
        """The public model of this person."""
        name = self.display_name()
        aliases = []
        for alias in self.names + self.spoken:
            if alias != name and alias not in aliases:
                aliases.append(alias)
        return Participant(
            name=name,
            role=self.role,
            title=self.title,
            firm=self.firm if self.role == Role.analyst else None,
            aliases=aliases,
        )


@cache
def _title_patterns() -> dict[str, re.Pattern[str]]:
    return {kind: any_of(words) for kind, words in format_rules().titles.items()}


def role_from_title(title: str | None) -> Role:
    """Investor relations, analyst or executive, from the words of a title."""
    if not title:
        return Role.unknown
    patterns = _title_patterns()
    if patterns["investor_relations"].search(title):
        return Role.investor_relations
    if patterns["analyst"].search(title):
        return Role.analyst
    if patterns["executive"].search(title):
        return Role.executive
    return Role.unknown


def read_affiliation(parts: list[str], context: str | None) -> tuple[Role, str | None, str | None]:
    """(role, title, firm) from the pieces after a name, with the list heading as context."""
    patterns = _title_patterns()
    analyst_parts = [p for p in parts if patterns["analyst"].fullmatch(p.strip()) or p.strip().casefold() in ("analyst", "分析师")]
    others = [p for p in parts if p not in analyst_parts]
    if analyst_parts or any(patterns["analyst"].search(p) for p in parts):
        firm = next((p for p in others if not patterns["analyst"].search(p)), None)
        return Role.analyst, None, canonical_firm(firm)
    title_parts = [p for p in parts if role_from_title(p) != Role.unknown]
    if title_parts:
        title = ", ".join(title_parts)
        return role_from_title(", ".join(parts)), title, None
    if context == "participants_analysts" and parts:
        return Role.analyst, None, canonical_firm(parts[0])
    if context == "participants_company":
        return Role.executive, ", ".join(parts) or None, None
    return Role.unknown, ", ".join(parts) or None, None


def _family_key(name: str) -> str:
    tokens = clean_name(name).split()
    return tokens[-1].replace(".", "").casefold() if tokens else ""


class Roster:
    """People on one call, found by any of their name forms."""

    def __init__(self) -> None:
        self.people: list[Person] = []
        self._by_key: dict[str, Person] = {}
        self._by_family: dict[str, list[Person]] = {}  # Latin family name -> people, for nickname matches

    def find(self, name: str) -> Person | None:
        """The person this name form refers to, if known."""
        main, bracketed = split_bracketed(name)
        for form in (bracketed, main, name):
            if not form:
                continue
            person = self._by_key.get(name_key(form))
            if person:
                return person
        for form in (bracketed, main):
            if form and is_latin(form):
                for person in self._by_family.get(_family_key(form), ()):
                    if any(is_latin(n) and same_person(form, n) for n in person.names):
                        return person
        return None

    def add(
        self,
        name: str,
        role: Role = Role.unknown,
        title: str | None = None,
        firm: str | None = None,
        aliases: tuple[str, ...] = (),
        listed: bool = False,
    ) -> Person:
        """Add a person or merge what is newly known into the person already there."""
        main, bracketed = split_bracketed(name)
        forms = [clean_name(f) for f in (bracketed, main) if f and name_strength(f) != NameStrength.none]
        forms = forms or [clean_name(main or name)]
        person = self.find(name)
        if person is None:
            person = Person(names=[])
            self.people.append(person)
        for form in (*forms, *(clean_name(a) for a in aliases)):
            self._remember(person, form)
        if role != Role.unknown and (person.role == Role.unknown or listed):
            person.role = role
        person.title = person.title or title
        person.firm = person.firm or firm
        person.listed = person.listed or listed
        return person

    def alias(self, person: Person, form: str) -> None:
        """Record another name form for a known person."""
        self._remember(person, clean_name(form))

    def _remember(self, person: Person, form: str) -> None:
        if not form:
            return
        if form not in person.names:
            person.names.append(form)
        self._by_key.setdefault(name_key(form), person)
        if is_latin(form):
            family = self._by_family.setdefault(_family_key(form), [])
            if person not in family:
                family.append(person)


def seed_company_people(roster: Roster, company: Company | None) -> dict[str, tuple[str, str | None, tuple[str, ...]]]:
    """Known speakers of the company (from `companies.toml`), keyed by every name form, for lookup on first use."""
    known: dict[str, tuple[str, str | None, tuple[str, ...]]] = {}
    if company is None:
        return known
    for person in company.people:
        entry = (person.name, person.title, tuple(person.aliases))
        for form in (person.name, *person.aliases):
            known[name_key(form)] = entry
    return known


_BRACKET_ALIAS = re.compile(f"(?P<zh>[{CJK}]{{1,8}}(?:[·•・‧][{CJK}]{{1,8}}){{1,3}})\\s*[(（](?P<latin>[A-Z][A-Za-z.'’\\- ]{{2,40}}?)[)）]")


# Characters of titles and connectives that never occur in a transliterated given name;
# a gloss's Chinese name starts after the last of them (`首席执行官萨提亚·纳德拉` -> `萨提亚·纳德拉`).
_NOT_IN_TRANSLITERATION = set("的官长裁监理席兼和与及有师人员司来自请由是在为位问如事律总务书秘董、")


def bracket_aliases(text: str) -> dict[str, str]:
    """Transliterations the transcript glosses with the Latin name: `萨提亚·纳德拉 (Satya Nadella)`.

    A Chinese form glossed with two different Latin names is ambiguous and dropped.
    """
    seen: dict[str, set[str]] = {}
    for match in _BRACKET_ALIAS.finditer(text):
        if name_strength(match.group("latin")) != NameStrength.strong:
            continue
        zh = match.group("zh")
        cut = max((zh.rfind(ch) for ch in _NOT_IN_TRANSLITERATION), default=-1)
        zh = zh[cut + 1:]
        if re.match(f"[{CJK}]", zh):
            seen.setdefault(zh, set()).add(clean_name(match.group("latin")))
    return {zh: next(iter(latin)) for zh, latin in seen.items() if len(latin) == 1}


def appositive_title(text: str, name: str) -> str | None:
    """A title the transcript gives a person in passing: `Tom Becker, Head of Investor Relations`."""
    if len(name.split()) < 2:
        return None
    pattern = re.compile(
        re.escape(name) + r",\s*(?:our|the company's|who is our)?\s*(?P<title>[A-Z][^.,;:()\n]{2,60}?)(?=[.,;:()\n]|\s+(?:and|to|who|will)\s)"
    )
    for match in pattern.finditer(text):
        title = match.group("title").strip()
        if len(title.split()) <= 8 and role_from_title(title) != Role.unknown:
            return title
    return None


@dataclass(frozen=True)
class Introduction:
    """An operator's introduction of the next analyst."""

    start: int
    name: str
    firm: str | None
    written: str  # the name as the operator said it (a transliteration with its gloss, say)


_NAME_EN = r"(?P<name>[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|de|van|von|der|da|di|la|le)){0,3})"
_FIRM_EN = r"(?P<firm>[A-Z0-9][^;\n]{0,80})"
_NAME_ZH = (
    rf"(?P<name>[A-Za-z][A-Za-z.'’\-]*(?:[ \t]+[A-Za-z][A-Za-z.'’\-]*){{0,3}}"
    rf"|[{CJK}]{{1,8}}(?:[·•・‧][{CJK}]{{1,8}}){{0,3}}(?:\s*[(（][A-Za-z][A-Za-z.'’\- ]{{1,40}}[)）])?)"
)
_FIRM_ZH = r"(?P<firm>[^,，。;；!！?？\n]{1,40}?)"
_FIRM_END = re.compile(r"(?<!\b[A-Z])\.(?=\s|$)|,|;|\s+(?:Please|Your line|Go ahead|You may|Proceed)\b")


@cache
def _introduction_patterns() -> list[re.Pattern[str]]:
    rules = format_rules()
    patterns = [
        p.replace("{NAME}", _NAME_EN).replace("{FIRM}", _FIRM_EN) for p in rules.introductions_en
    ] + [p.replace("{NAME_ZH}", _NAME_ZH).replace("{FIRM_ZH}", _FIRM_ZH) for p in rules.introductions_zh]
    return [re.compile(p, re.IGNORECASE) if "来自" not in p else re.compile(p) for p in patterns]


def introductions(text: str, start: int = 0) -> list[Introduction]:
    """Every operator introduction of an analyst in `text` after `start`, in order."""
    found: dict[int, Introduction] = {}
    spans: list[tuple[int, int]] = []
    for pattern in _introduction_patterns():
        for match in pattern.finditer(text, start):
            if any(match.start() < end and begin < match.end() for begin, end in spans):
                continue  # two patterns read the same sentence
            spans.append(match.span())
            raw_name = match.group("name")
            main, bracketed = split_bracketed(raw_name)
            name = bracketed or main
            if name_strength(name) == NameStrength.none:
                continue
            firm = match.group("firm")
            cut = _FIRM_END.search(firm)
            firm = firm[: cut.start()] if cut else firm
            found.setdefault(match.start(), Introduction(match.start(), clean_name(name), canonical_firm(firm.strip()), main))
    return [found[k] for k in sorted(found)]
