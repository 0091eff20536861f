"""People's and firms' names: what looks like a name, and when two names are one person."""

from __future__ import annotations

import re
from enum import IntEnum
from functools import cache, lru_cache

from calls.rules import firms, format_rules, nickname_groups

CJK = "\u4e00-\u9fff\u3400-\u4dbf"
_CJK_CHAR = re.compile(f"[{CJK}]")
# A Chinese transliterated name: given·family (马克·扎克伯格), optionally followed by the Latin name in brackets.
_CJK_DOTTED = re.compile(f"[{CJK}]{{1,8}}(?:\\s*[·•・‧]\\s*[{CJK}]{{1,8}}){{1,3}}")
_CJK_PLAIN = re.compile(f"[{CJK}]{{2,4}}")
_BRACKETED = re.compile(r"\s*[(（]\s*(?P<inner>[^()（）]{1,60}?)\s*[)）]\s*$")
_LATIN_TOKEN = re.compile(r"(?:[A-Z][a-zA-Z'’\-]*\.?|[A-Z]\.(?:\s?[A-Z]\.)*|[A-Z]{1,3})")
_PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "la", "le", "du", "del", "dos", "bin", "al", "el", "st", "st."}
_CAMEL = re.compile(r"^(?P<first>[A-Z][a-z]{2,})(?P<last>[A-Z][a-z]+)$")
_SENTENCE_MARKS = re.compile(r"[。！？!?；;，、\"“”《》<>/\\|@#$%^&*+=~`\d]")


class NameStrength(IntEnum):
    """How surely a string is a person's name without other evidence."""

    none = 0
    weak = 1  # a single word or a short Chinese name: only with other evidence (a list, an introduction)
    strong = 2  # a full name: two or more capitalised words, or a dotted Chinese transliteration


@cache
def _not_names() -> frozenset[str]:
    return frozenset(w.casefold() for w in format_rules().not_names["words"])


# Name functions are pure and a call repeats a few speaker labels hundreds of times: each label is worked out once.
_NAMES_CACHED = 65536


@lru_cache(maxsize=_NAMES_CACHED)
def split_bracketed(name: str) -> tuple[str, str | None]:
    """`马克·莫德勒 (Mark Moerdler)` -> (`马克·莫德勒`, `Mark Moerdler`); other names unchanged."""
    match = _BRACKETED.search(name)
    if not match:
        return name.strip(), None
    return name[: match.start()].strip(), match.group("inner").strip()


@lru_cache(maxsize=_NAMES_CACHED)
def clean_name(raw: str) -> str:
    """The display form of a name: spaces collapsed, joined CamelCase split, capitals title-cased."""
    name = " ".join(raw.replace("\u3000", " ").split()).strip(" ,，:：-–—")
    camel = _CAMEL.match(name)
    if camel:
        name = f"{camel.group('first')} {camel.group('last')}"
    if name.isascii() and name.isupper() and len(name) > 3:
        name = " ".join(_title_case(token) for token in name.split())
    return name


def _title_case(token: str) -> str:
    if re.fullmatch(r"(?:[A-Z]\.)+", token):  # initials stay as they are
        return token
    return "-".join(part[:1] + part[1:].lower() for part in token.split("-"))


@lru_cache(maxsize=_NAMES_CACHED)
def name_strength(raw: str) -> NameStrength:
    """Whether `raw` (a speaker label or list entry) looks like a person's name."""
    name, bracketed = split_bracketed(raw)
    if bracketed and name_strength(bracketed) == NameStrength.strong:
        return NameStrength.strong
    name = clean_name(name)
    if not name or len(name) > 50 or _SENTENCE_MARKS.search(name):
        return NameStrength.none
    if _CJK_CHAR.search(name):
        if _CJK_DOTTED.fullmatch(name):
            return NameStrength.strong
        return NameStrength.weak if _CJK_PLAIN.fullmatch(name) else NameStrength.none
    tokens = name.split()
    if not 1 <= len(tokens) <= 5 or name.casefold() in _not_names():
        return NameStrength.none
    for token in tokens:
        if token.casefold().rstrip(".") in _not_names() and len(tokens) > 1:
            return NameStrength.none
        if token.lower() in _PARTICLES:
            continue
        if not _LATIN_TOKEN.fullmatch(token):
            return NameStrength.none
    capitalised = [t for t in tokens if t.lower() not in _PARTICLES]
    if len(capitalised) >= 2:
        return NameStrength.strong
    return NameStrength.weak


@lru_cache(maxsize=_NAMES_CACHED)
def name_key(name: str) -> str:
    """Compare key: case-folded, without spaces, dots, hyphens or name separators."""
    return re.sub(r"[\s.\-·•・‧'’]", "", clean_name(name)).casefold()


@lru_cache(maxsize=_NAMES_CACHED)
def _given_and_family(name: str) -> tuple[str, str] | None:
    name = clean_name(split_bracketed(name)[0])
    if not name.isascii():
        return None
    tokens = [t for t in re.split(r"\s+", name) if t]
    if len(tokens) < 2:
        return None
    # C.J. Muse and CJ Muse: initials run together into one given name.
    given = tokens[0].replace(".", "").casefold()
    family = tokens[-1].replace(".", "").casefold()
    return given, family


def same_person(a: str, b: str) -> bool:
    """True when two name forms name one person: equal keys, or one family name with interchangeable given names."""
    if name_key(a) == name_key(b):
        return True
    pa, pb = _given_and_family(a), _given_and_family(b)
    if pa is None or pb is None or pa[1] != pb[1]:
        return False
    if pa[0] == pb[0]:
        return True
    nicknames = nickname_groups()
    return pb[0] in nicknames.get(pa[0], frozenset())


def is_latin(name: str) -> bool:
    """A name written in Latin letters."""
    return not _CJK_CHAR.search(name)


@cache
def _firm_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for firm in firms():
        for alias in (firm.name, *firm.aliases):
            index[_firm_key(alias)] = firm.name
    return index


_FIRM_SUFFIX = re.compile(
    r"(?:有限责任公司|有限公司|股份公司|公司|集团|,?\s*(?:inc|llc|ltd|plc|corp|corporation|co|company|& co|research division)\.?)$",
    re.IGNORECASE,
)


def _firm_key(firm: str) -> str:
    key = re.sub(r"\s+", " ", firm.strip()).casefold()
    return re.sub(r"[\s.,]", "", key)


def canonical_firm(raw: str | None) -> str | None:
    """The firm's canonical name from `firms.toml` when known, else the name as written (tidied)."""
    if not raw:
        return None
    written = " ".join(raw.split()).strip(" ,，.。")
    main, bracketed = split_bracketed(written)
    index = _firm_index()
    for candidate in (bracketed, main, written):
        if not candidate:
            continue
        for form in (candidate, _FIRM_SUFFIX.sub("", candidate).strip()):
            if _firm_key(form) in index:
                return index[_firm_key(form)]
    return bracketed if bracketed and bracketed.isascii() else main or None
