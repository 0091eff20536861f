"""Data files under `calls/data/`, loaded once per process as typed models.

Lexicons, company lists and transcript-format rules are data, not code: edit
the TOML files to extend them.
"""

from __future__ import annotations

import os
import re
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(_Frozen):
    """A known speaker for a company."""

    name: str
    title: str | None = None
    aliases: list[str] = []


class Segment(_Frozen):
    """A business segment or product line a company reports or guides on."""

    name: str
    aliases: list[str] = []


class Company(_Frozen):
    """A company with its names in every language, its fiscal calendar, people and segments."""

    name: str
    ticker: str
    names: list[str]
    fiscal_year_end_month: int = 12
    people: list[Person] = []
    segments: list[Segment] = []


class Firm(_Frozen):
    """A sell-side firm and the other names it goes by."""

    name: str
    aliases: list[str] = []


class SpeakerLayout(_Frozen):
    """One shape of speaker line, as a regular expression over a single line."""

    layout: str
    pattern: str
    examples: list[str] = []
    counter_examples: list[str] = []


class FormatRules(_Frozen):
    """Headings, operator names and line shapes of transcripts (`formats.toml`)."""

    headings: dict[str, list[str]]
    transcript_start: list[str]
    publisher_notes: list[str]
    operator_names: list[str]
    qa_handover: list[str]
    call_closing: list[str]
    introductions_en: list[str]
    introductions_zh: list[str]
    titles: dict[str, list[str]]
    not_names: dict[str, list[str]]
    speaker_lines: list[SpeakerLayout]


DATA_DIR_ENV = "CALLS_DATA_DIR"


def data_bytes(name: str) -> bytes:
    """A data file's bytes: from `$CALLS_DATA_DIR` when it holds one of that name (a user's own lexicon), else the bundled one."""
    folder = os.environ.get(DATA_DIR_ENV)
    if folder and (Path(folder) / name).is_file():
        return (Path(folder) / name).read_bytes()
    return resources.files("calls.data").joinpath(name).read_bytes()


def load_toml(name: str) -> dict:
    """Parse one TOML data file (see `data_bytes` for where it comes from)."""
    return tomllib.loads(data_bytes(name).decode("utf-8"))


@cache
def format_rules() -> FormatRules:
    """The transcript-format rules."""
    return FormatRules(**load_toml("formats.toml"))


@cache
def companies() -> tuple[Company, ...]:
    """Every known company."""
    return tuple(Company(**entry) for entry in load_toml("companies.toml")["company"])


@cache
def firms() -> tuple[Firm, ...]:
    """Every known sell-side firm."""
    return tuple(Firm(**entry) for entry in load_toml("firms.toml")["firm"])


@cache
def nickname_groups() -> dict[str, frozenset[str]]:
    """Map each given name (lower case, no dots) to the set of names it may stand for."""
    groups: dict[str, set[str]] = {}
    for group in load_toml("names.toml")["nicknames"]:
        merged = set(group)
        for name in group:
            merged |= groups.get(name, set())
        for name in merged:
            groups[name] = merged
    return {name: frozenset(members) for name, members in groups.items()}


def any_of(patterns: list[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of `patterns` (regular expressions)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def any_word(words: list[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of `words` literally, as a whole line."""
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
