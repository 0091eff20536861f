"""Figures in a sentence: amounts, percentages, ranges, plus-or-minus, approximations, bounds, qualitative ranges.

`find_figures` turns "$5.7 billion, plus or minus $300 million", "806.5亿至817.5亿美元",
"49%,上下浮动一个百分点", "approximately 15%", "超过40%" and "low single digits" into
`Figure`s with low, high and point values in plain units (dollars, percent, shares).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from calls.analyse.lexicons import guidance_rules, phrase_pattern

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NOT_AFTER = r"(?<![A-Za-z0-9.\-])"  # not inside Q3, M365, GPT-5.2 or 4F2


@dataclass(frozen=True)
class Figure:
    """A figure's span in the sentence and its value; `unit` is USD, %, pp, shares or None when unknown."""

    start: int
    end: int
    low: float | None
    high: float | None
    point: float | None
    unit: str | None
    qualifier: str | None = None
    scale_given: bool = False

    def __post_init__(self) -> None:
        # 1.35 - 0.10 is 1.2500000000000002 in binary; ten significant digits is exact enough for money.
        for name in ("low", "high", "point"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, float(f"{value:.10g}"))


@dataclass(frozen=True)
class _Atom:
    start: int
    end: int
    value: float
    unit: str | None
    scale_given: bool


@cache
def _atom_pattern(language: str) -> re.Pattern[str]:
    rules = guidance_rules()
    if language == "zh":
        scales = "|".join(sorted(rules.scales["zh"], key=len, reverse=True))
        words = "".join(rules.numerals["zh"])
        return re.compile(
            rf"(?P<cur>US\$|\$)?{_NOT_AFTER}(?P<num>{_NUM})\s?(?P<scale>{scales})?\s?(?P<unit>%|％|美元|个百分点|百分点|亿股|股)?"
            rf"|百分之(?P<pct>{_NUM}|[{words}]+)"
            rf"|(?P<word>[{words}])个?(?P<wunit>百分点)"
        )
    scales = "|".join(sorted((s for s in rules.scales["en"] if len(s) > 1), key=len, reverse=True))
    words = "|".join(sorted(rules.numerals["en"], key=len, reverse=True))
    return re.compile(
        rf"(?P<cur>US\$|\$|USD\s?)?{_NOT_AFTER}(?P<num>{_NUM})"
        rf"(?P<scale>\s?(?:{scales})\b|[kKmMbB]\b)?"
        rf"(?P<unit>\s?(?:%|％|percent\b|per cent\b|percentage points?\b|basis points\b|bps\b|points?\b|shares\b|dollars\b|USD\b))?"
        rf"|\b(?P<word>{words})\s(?:a\s)?(?P<wunit>percentage points?|points?)\b",
        re.IGNORECASE,
    )


def _unit(raw: str | None, currency: str | None) -> str | None:
    unit = (raw or "").strip().lower()
    if unit in ("%", "％", "percent", "per cent"):
        return "%"
    if unit.startswith(("percentage point", "point", "个百分点", "百分点")) or unit in ("bps", "basis points"):
        return "pp"
    if unit in ("shares", "股", "亿股"):
        return "shares"
    if currency or unit in ("dollars", "usd", "美元"):
        return "USD"
    return None


def _number(raw: str, language: str) -> float:
    numerals = guidance_rules().numerals[language]
    if raw in numerals or raw.lower() in numerals:
        return float(numerals.get(raw, numerals.get(raw.lower(), 0)))
    if language == "zh" and not raw[0].isdigit():
        # 十几, 二十: only small spelled numbers occur in guidance; "十几" reads as ten-something.
        return float(sum(numerals.get(ch, 0) for ch in raw) or 10)
    return float(raw.replace(",", ""))


def _atoms(text: str, language: str) -> list[_Atom]:
    atoms = []
    scales = guidance_rules().scales[language]
    for m in _atom_pattern(language).finditer(text):
        groups = m.groupdict()
        if groups.get("word"):
            unit = "pp"
            value = _number(groups["word"], language)
        elif groups.get("pct"):
            unit, value = "%", _number(groups["pct"], language)
        else:
            value = _number(groups["num"], language)
            scale = (groups.get("scale") or "").strip()
            raw_unit = groups.get("unit")
            if raw_unit and raw_unit.strip() == "亿股":
                scale, raw_unit = "亿", "股"
            if scale:
                factor = scales.get(scale) or scales.get(scale.lower(), 1.0)
                value *= factor
            unit = _unit(raw_unit, groups.get("cur"))
            if unit == "pp" and raw_unit and raw_unit.strip().lower() in ("bps", "basis points"):
                value /= 100
            if unit is None and not scale and _is_year(groups["num"], text, m.end()):
                continue
        atoms.append(_Atom(m.start(), m.end(), value, unit, bool(groups.get("scale"))))
    return atoms


def _is_year(raw: str, text: str, end: int) -> bool:
    return bool(re.fullmatch(r"(?:19|20)\d{2}", raw)) or text[end: end + 2].startswith(("年", "财年", "财"))


@cache
def _connectors(language: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    rules = guidance_rules()
    plus_minus = phrase_pattern(rules.cues[f"plus_minus_{language}"])
    if language == "zh":
        range_ = re.compile(r"\s*(?:至|到|-|–|—|~|～)\s*")
    else:
        range_ = re.compile(r"\s*(?:to|-|–|—|and|through)\s*", re.IGNORECASE)
    between = re.compile(rf"\s*,?\s*(?:{plus_minus.pattern})\s*", re.IGNORECASE)
    return range_, between


def _qualitative(text: str, language: str) -> list[Figure]:
    found: list[Figure] = []
    for low, high, pattern in _qualitative_patterns(language):
        for m in pattern.finditer(text):
            if any(f.start <= m.start() < f.end or m.start() <= f.start < m.end() for f in found):
                continue
            if found and any(abs(m.start() - f.end) <= 2 and (f.low, f.high) == (low, high) for f in found):
                continue  # "百分之十几(low teens)": a gloss repeats the same range
            found.append(Figure(m.start(), m.end(), low, high, (low + high) / 2, "%", m.group(0)))
    return found


@cache
def _qualitative_patterns(language: str) -> list[tuple[float, float, re.Pattern[str]]]:
    patterns = []
    for entry in guidance_rules().qualitative:
        patterns.append((entry.range[0], entry.range[1], phrase_pattern(entry.words)))
    return patterns


def find_figures(text: str, language: str) -> list[Figure]:
    """Every figure in `text`, left to right, with ranges and plus-or-minus spans combined."""
    qualitative = _qualitative(text, language)
    atoms = [a for a in _atoms(text, language) if not any(q.start <= a.start < q.end for q in qualitative)]
    range_, plus_minus = _connectors(language)
    figures: list[Figure] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        following = atoms[i + 1] if i + 1 < len(atoms) else None
        between = text[atom.end: following.start] if following else ""
        if following and plus_minus.fullmatch(between):
            delta = following.value
            unit = atom.unit or following.unit
            figures.append(Figure(atom.start, following.end, atom.value - delta, atom.value + delta, atom.value, unit, between.strip(" ,，"), atom.scale_given))
            i += 2
            continue
        if following and range_.fullmatch(between) and (atom.unit in (None, following.unit)):
            low = atom.value
            if not atom.scale_given and following.scale_given and following.value >= 1000:
                # "$5.4 to $6.0 billion": the first number takes the second's scale.
                low = atom.value * (following.value / _unscaled(text, following, language))
            start = _range_start(text, atom.start, language)
            low, high = min(low, following.value), max(low, following.value)  # "5 to 3" still spans 3 to 5
            figures.append(Figure(start, following.end, low, high, (low + high) / 2, following.unit, between.strip() or None, True))
            i += 2
            continue
        figures.append(Figure(atom.start, atom.end, atom.value, atom.value, atom.value, atom.unit, None, atom.scale_given))
        i += 1
    figures = [_qualified(text, f, language) for f in figures]
    return sorted(figures + qualitative, key=lambda f: f.start)


def _unscaled(text: str, atom: _Atom, language: str) -> float:
    m = _atom_pattern(language).match(text, atom.start)
    return _number(m.group("num"), language) if m and m.group("num") else atom.value


def _range_start(text: str, start: int, language: str) -> int:
    if language == "en":
        m = re.search(r"\bbetween\s+$", text[max(0, start - 12): start], re.IGNORECASE)
        if m:
            return start - (len(text[max(0, start - 12): start]) - m.start())
    return start


@cache
def _qualifier_patterns(language: str) -> dict[str, re.Pattern[str]]:
    cues = guidance_rules().cues
    return {name: phrase_pattern(cues[f"{name}_{language}"]) for name in ("approximately", "at_least", "at_most")}


def _qualified(text: str, figure: Figure, language: str) -> Figure:
    """Apply an approximation or bound written just before (or, in Chinese, just after) the figure."""
    before = text[max(0, figure.start - 16): figure.start]
    after = text[figure.end: figure.end + 4]
    patterns = _qualifier_patterns(language)
    for name, pattern in patterns.items():
        hit = _ending_with(pattern, before) or (language == "zh" and _starting_with(pattern, after))
        if not hit:
            continue
        if name == "approximately":
            return replace(figure, qualifier=hit, start=min(figure.start, figure.start - len(before) + before.rfind(hit)) if hit in before else figure.start)
        if figure.low != figure.high:
            return figure
        if name == "at_least":
            return replace(figure, high=None, point=None, qualifier=hit)
        return replace(figure, low=None, point=None, qualifier=hit)
    return figure


def _ending_with(pattern: re.Pattern[str], text: str) -> str | None:
    match = None
    for match in pattern.finditer(text):
        pass
    if match and not text[match.end():].strip(" \u3000"):
        return match.group(0)
    return None


def _starting_with(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.match(text.lstrip())
    return match.group(0) if match else None
