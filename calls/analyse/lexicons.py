"""Lexicons of the analysers, loaded once from `calls/data/` as typed models.

Every lexicon has an English and a Chinese side. English entries match
case-insensitively as whole words; Chinese entries match as substrings (Latin
words inside Chinese entries, such as `WFE`, still match as whole words).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from calls.rules import load_toml

LANGUAGES = ("en", "zh")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MetricRule(_Frozen):
    """A guidance metric and the words that name it."""

    id: str
    kind: str  # money, percent, per_share, shares, points
    en: list[str]
    zh: list[str]
    dominant: bool = False


class QualitativeRange(_Frozen):
    """Words such as `low single digits` and the percent range they stand for."""

    words: list[str]
    range: tuple[float, float]


class GuidanceRules(_Frozen):
    """`guidance.toml`."""

    cues: dict[str, list[str]]
    basis: dict[str, list[str]]
    scales: dict[str, dict[str, float]]
    numerals: dict[str, dict[str, float]]
    qualitative: list[QualitativeRange]
    metric: list[MetricRule]


class Theme(_Frozen):
    """A theme of the taxonomy with its terms in both languages."""

    id: str
    label: str
    en: list[str]
    zh: list[str]


class ToneLexicon(_Frozen):
    """Positive, negative and uncertainty words, and negators, for one language."""

    positive: list[str]
    negative: list[str]
    uncertainty: list[str]
    negators: list[str]


def fold(text: str) -> str:
    """`text` in lower case with every character where it was, for `phrase_pattern(..., folded=True)`."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters lower-case to two ("İ"); those stay as they are so offsets hold.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def phrase_pattern(words: list[str], folded: bool = False) -> re.Pattern[str]:
    """One case-insensitive pattern for a list of phrases; Latin phrases match as whole words.

    The same rule serves both languages: Chinese has no word boundaries, so only
    Latin letters and digits at a phrase's ends need one. The phrases are folded
    into a prefix tree, so a long lexicon costs about as much as a short one.
    With `folded`, the pattern is for text already passed through `fold`: a
    case-sensitive scan is over twice as fast as a case-insensitive one.
    """
    phrases = {w.lower() for w in words if w}
    if not phrases:
        return re.compile(r"(?!)")
    # Phrases that start with a Latin letter or digit share one boundary check, made once per position.
    latin = {p for p in phrases if p[0].isascii() and p[0].isalnum()}
    parts = []
    if latin:
        parts.append(r"(?<![A-Za-z0-9])" + _trie_regex(_trie(latin), boundary_checked=True))
    if phrases - latin:
        parts.append(_trie_regex(_trie(phrases - latin)))
    return re.compile("|".join(f"(?:{p})" for p in parts), 0 if folded else re.IGNORECASE)


_END = ""  # trie key that marks the end of a phrase


def _trie(phrases: set[str]) -> dict:
    root: dict = {}
    for phrase in phrases:
        node = root
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[_END] = True
    return root


def _trie_regex(node: dict, previous: str = "", boundary_checked: bool = False) -> str:
    """A regular expression for the phrases under `node`; `previous` is the character before them."""
    branches = []
    ends_here = _END in node
    for ch in sorted(k for k in node if k != _END):
        head = re.escape(ch)
        if not previous and not boundary_checked and ch.isascii() and ch.isalnum():
            head = r"(?<![A-Za-z0-9])" + head
        branches.append(head + _trie_regex(node[ch], ch))
    if ends_here and previous.isascii() and previous.isalnum():
        end = r"(?![A-Za-z0-9])"
    else:
        end = ""
    if not branches:
        return end
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        # Longest first: try to go on, else end here.
        return f"(?:{body}|{end})" if end else f"(?:{body})?"
    return body


@cache
def guidance_rules() -> GuidanceRules:
    """Cues, metrics, scales and qualitative ranges for guidance records."""
    return GuidanceRules(**load_toml("guidance.toml"))


@cache
def hedge_lexicon() -> dict[str, dict[str, list[str]]]:
    """language -> category -> cues (`hedges.toml`)."""
    return {language: dict(entries) for language, entries in load_toml("hedges.toml").items()}


@cache
def non_answer_lexicon() -> dict[str, dict[str, list[str]]]:
    """language -> category -> regular expressions (`non_answers.toml`)."""
    return {language: dict(entries) for language, entries in load_toml("non_answers.toml").items()}


@cache
def themes() -> tuple[Theme, ...]:
    """The theme taxonomy (`themes.toml`)."""
    return tuple(Theme(**entry) for entry in load_toml("themes.toml")["theme"])


@cache
def _bundled_tone() -> dict[str, ToneLexicon]:
    return {language: ToneLexicon(**entries) for language, entries in load_toml("tone.toml").items()}


_TONE_OVERRIDE: dict[str, ToneLexicon] = {}


def tone_lexicon(language: str) -> ToneLexicon:
    """The tone words for a language: the project's own, or a user's dictionary loaded with `load_tone_csv`."""
    return _TONE_OVERRIDE.get(language) or _bundled_tone()[language]


def load_tone_csv(path: Path) -> ToneLexicon:
    """Use a Loughran–McDonald-style master dictionary CSV for English tone.

    The CSV needs a `Word` column and `Positive`, `Negative` and `Uncertainty`
    columns, where a non-zero value puts the word in that list (the layout of
    the Loughran–McDonald Master Dictionary, which users obtain themselves).
    """
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        fields = {name.lower(): name for name in reader.fieldnames or []}
        missing = [c for c in ("word", "positive", "negative", "uncertainty") if c not in fields]
        if missing:
            raise ValueError(f"{path}: the CSV lacks the column(s) {', '.join(missing)}")
        lists: dict[str, list[str]] = {"positive": [], "negative": [], "uncertainty": []}
        for row in reader:
            word = (row[fields["word"]] or "").strip().lower()
            for category in lists:
                value = (row[fields[category]] or "0").strip()
                if word and value not in ("", "0", "0.0"):
                    lists[category].append(word)
    lexicon = ToneLexicon(negators=_bundled_tone()["en"].negators, **lists)
    _TONE_OVERRIDE["en"] = lexicon
    return lexicon


def reset_tone_lexicon() -> None:
    """Go back to the project's own tone words."""
    _TONE_OVERRIDE.clear()


@cache
def readability_words() -> dict[str, dict[str, list[str]]]:
    """`readability.toml`: Chinese clause marks, adverbs and conjunctions."""
    return load_toml("readability.toml")


# The data files each analyser reads; a change to one re-runs that analyser (`calls reanalyse`).
ANALYSER_FILES: dict[str, tuple[str, ...]] = {
    "readability": ("readability.toml",),
    "tone": ("tone.toml",),
    "hedges": ("hedges.toml", "guidance.toml"),
    "themes": ("themes.toml",),
    "non_answers": ("non_answers.toml",),
    "guidance": ("guidance.toml", "companies.toml"),
}


def analyser_fingerprints() -> dict[str, str]:
    """A short hash per analyser of the data it uses (the user's tone dictionary included)."""
    from calls.rules import data_bytes

    prints = {}
    for analyser, names in ANALYSER_FILES.items():
        digest = hashlib.sha256()
        for name in names:
            digest.update(data_bytes(name))
        if analyser == "tone":
            for language, lexicon in sorted(_TONE_OVERRIDE.items()):
                digest.update(language.encode() + lexicon.model_dump_json().encode())
        prints[analyser] = digest.hexdigest()[:12]
    return prints


def lexicon_fingerprint() -> str:
    """One hash of every analyser's data, to tell which lexicon version analysed a call."""
    return hashlib.sha256(json.dumps(analyser_fingerprints(), sort_keys=True).encode()).hexdigest()[:16]
