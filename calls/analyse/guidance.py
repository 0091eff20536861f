"""Guidance records: forward-looking figures management gives, as metric, period, range, unit and basis.

A sentence by an executive or investor relations qualifies when it has a
forward-looking cue (`expect`, `预计`). Each figure in it takes the metric named
nearest before it in its clause (`收入`, `gross margin`); a percentage after a
growth word is that metric's growth rate; a figure right after a comparison
(`compared with`, `去年同期`) or a reference to past guidance is skipped.
Reported results (`December revenue was a record $5.34 billion`) have no
forward cue and give nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

from calls.analyse.figures import Figure, find_figures
from calls.analyse.lexicons import MetricRule, guidance_rules, phrase_pattern
from calls.analyse.periods import CallCalendar, period_mentions
from calls.model import Guidance
from calls.rules import Company, companies

T = TypeVar("T")

# A figure this close after a comparison cue is the comparison, not the forecast.
_COMPARISON_REACH = 14
# A forecast cue may also follow its figure closely: "revenue of $X is expected".
_FORWARD_AFTER = 16


@dataclass
class TurnState:
    """What an outlook sentence sets for the forecasts after it in the same turn."""

    period: str | None = None
    basis: str | None = None


@dataclass(frozen=True)
class SentenceContext:
    """Where a sentence sits: language, the call's calendar and company, its speaker and offsets."""

    language: str
    calendar: CallCalendar | None
    company: Company | None
    speaker: str
    turn: int
    offset: int  # of the sentence in Call.text


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    rule: MetricRule


@dataclass
class _Patterns:
    forward: re.Pattern[str]
    not_forward: re.Pattern[str]
    comparison: re.Pattern[str]
    growth: re.Pattern[str]
    decline: re.Pattern[str]
    of_revenue: re.Pattern[str]
    of_free_cash_flow: re.Pattern[str]
    outlook_intro: re.Pattern[str]
    ongoing: re.Pattern[str]
    basis: list[tuple[str, re.Pattern[str]]]
    metrics: list[tuple[MetricRule, re.Pattern[str]]] = field(default_factory=list)


_BASIS_NAMES = {"non_gaap": "non-GAAP", "gaap": "GAAP", "constant_currency": "constant currency"}


@cache
def _patterns(language: str) -> _Patterns:
    rules = guidance_rules()
    cues = rules.cues
    return _Patterns(
        forward=phrase_pattern(cues[f"forward_{language}"]),
        not_forward=phrase_pattern(cues[f"not_forward_{language}"]),
        comparison=phrase_pattern(cues[f"comparison_{language}"]),
        growth=phrase_pattern(cues[f"growth_{language}"]),
        decline=phrase_pattern(cues[f"decline_{language}"]),
        of_revenue=phrase_pattern(cues[f"of_revenue_{language}"]),
        of_free_cash_flow=phrase_pattern(cues[f"of_free_cash_flow_{language}"]),
        outlook_intro=phrase_pattern(cues[f"outlook_intro_{language}"]),
        ongoing=phrase_pattern(cues[f"ongoing_{language}"]),
        basis=[(_BASIS_NAMES[name], phrase_pattern(words)) for name, words in rules.basis.items()],
        metrics=[(rule, phrase_pattern(getattr(rule, language))) for rule in rules.metric],
    )


def _segment_pattern(company: Company | None) -> list[tuple[str, re.Pattern[str]]]:
    return _segment_patterns(company.name) if company else []


@cache
def _segment_patterns(company_name: str) -> list[tuple[str, re.Pattern[str]]]:
    company = next(c for c in companies() if c.name == company_name)
    return [(segment.name, phrase_pattern([segment.name, *segment.aliases])) for segment in company.segments]


def _longest_first(candidates: list[tuple[int, int, T]]) -> list[tuple[int, T]]:
    """(start, value) of non-overlapping matches, the longer winning an overlap, in text order."""
    kept: list[tuple[int, int, T]] = []
    for start, end, value in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if not any(s < end and start < e for s, e, _ in kept):
            kept.append((start, end, value))
    return [(start, value) for start, _, value in sorted(kept, key=lambda c: c[0])]


def _metric_mentions(text: str, patterns: _Patterns) -> list[_Mention]:
    """Metric names in the sentence; where two overlap, the longer wins."""
    candidates = [(m.start(), m.end(), (m.end(), rule)) for rule, pattern in patterns.metrics for m in pattern.finditer(text)]
    return [_Mention(start, end, rule) for start, (end, rule) in _longest_first(candidates)]


def _basis(text: str, patterns: _Patterns) -> str | None:
    for name, pattern in patterns.basis:
        if pattern.search(text):
            return name
    return None


def _ends_with(pattern: re.Pattern[str], text: str) -> bool:
    return any(not text[m.end():].strip(" ,，、") for m in pattern.finditer(text))


def _classify(rule: MetricRule | None, figure: Figure, growth: bool, of_revenue: bool) -> tuple[str, str] | None:
    """(metric, unit) for a figure given the metric named before it, or None when they do not fit."""
    if figure.unit == "shares":
        return "share_count", "shares"
    if rule is None:
        return ("revenue_growth", "%") if growth and figure.unit == "%" else None
    if rule.kind == "points":
        return (rule.id, "pp") if figure.unit in ("%", "pp") else None
    if figure.unit == "USD":
        if rule.kind == "money":
            return rule.id, "USD"
        if rule.kind == "per_share":
            return rule.id, "USD/share"
        return None
    if figure.unit == "%":
        if rule.kind == "percent":
            return rule.id, "%"
        if of_revenue:
            return rule.id, "% of revenue"
        if growth and rule.kind in ("money", "per_share"):
            return ("revenue_growth" if rule.id == "revenue" else f"{rule.id}_growth"), "%"
    return None


def sentence_guidance(text: str, context: SentenceContext, state: TurnState) -> list[Guidance]:
    """Guidance records of one management sentence; updates the turn's outlook state."""
    language = context.language
    patterns = _patterns(language)
    # "better than expected" and "our guidance range" speak of the past: blank them before looking for forecasts.
    looking = patterns.not_forward.sub(lambda m: " " * len(m.group(0)), text)
    forward = patterns.forward.search(looking)
    introduces_outlook = patterns.outlook_intro.search(text)
    if not forward and not introduces_outlook:
        return []  # most sentences: periods and basis are only read past this point
    periods = period_mentions(text, language, context.calendar) if context.calendar else []
    basis_here = _basis(text, patterns)
    if introduces_outlook and periods:
        state.period, state.basis = periods[-1].period, basis_here
    if not forward:
        return []
    mentions = _metric_mentions(text, patterns)
    segments = _longest_first([(m.start(), m.end(), name) for name, pattern in _segment_pattern(context.company) for m in pattern.finditer(text)])
    ongoing = bool(patterns.ongoing.search(text))
    records: list[Guidance] = []
    previous_rule: MetricRule | None = None
    previous_past = False
    clause_start = 0
    for figure in find_figures(text, language):
        window = text[clause_start: figure.start]
        clause_start = figure.end
        forecast = patterns.forward.search(looking, 0, figure.start) or patterns.forward.search(
            looking[figure.end: figure.end + _FORWARD_AFTER]
        )
        past = not forecast or _ends_with(patterns.comparison, window[-_COMPARISON_REACH:])
        in_window = [m for m in mentions if figure.start - len(window) <= m.start < figure.start]
        # "revenue was $1.32 billion, up 4%": the growth rate belongs to the reported figure before it.
        if past or figure.unit is None or (previous_past and not in_window):
            previous_past = past or previous_past and not in_window
            continue
        previous_past = False
        of_revenue = _of_revenue(text, figure, window, patterns, language)
        if of_revenue and language == "zh":
            in_window = [m for m in in_window if m.rule.id != "revenue" or m.end < figure.start - 4]
        # A dominant metric (FX) governs every later figure in points: "FX adds 4 points to A, 2 points to B".
        dominant = [m for m in mentions if m.rule.dominant and m.start < figure.start and (m in in_window or figure.unit == "pp")]
        mention = (dominant or in_window or [None])[-1]
        rule = mention.rule if mention else previous_rule
        after_metric = text[mention.end if mention else figure.start - len(window): figure.start]
        decline = bool(patterns.decline.search(after_metric)) or (language == "zh" and bool(patterns.decline.match(text[figure.end: figure.end + 4].lstrip("(（"))))
        growth = decline or bool(patterns.growth.search(after_metric))
        # Segments named in the clause each get the figure ("智能云和更多个人计算…增加2个百分点"); else the last one named.
        named = [name for start, name in segments if figure.start - len(window) <= start < figure.start]
        earlier = [name for start, name in sorted(segments) if start < figure.start]
        targets = named or earlier[-1:] or [None]
        # A growth rate with no metric named is a segment's revenue growth ("先进封装业务将增长超过40%"), else unknown.
        classified = _classify(rule, figure, growth, of_revenue) if rule or targets[0] else None
        if classified is None:
            continue
        previous_rule = rule
        metric, unit = classified
        if unit == "%" and _share_of_free_cash_flow(text, figure, patterns):
            unit = "% of free cash flow"
        low, high, point = figure.low, figure.high, figure.point
        if decline:
            low, high, point = (-high if high is not None else None), (-low if low is not None else None), (-point if point is not None else None)
        records.extend(
            Guidance(
                metric=metric,
                segment=segment,
                period=_period(periods, figure, ongoing, state, context),
                low=low,
                high=high,
                point=point,
                unit=unit,
                basis=basis_here or state.basis,
                qualifier=figure.qualifier,
                speaker=context.speaker,
                turn=context.turn,
                sentence=text,
                start=context.offset + figure.start,
                end=context.offset + figure.end,
            )
            for segment in targets
        )
    _remember_period(records, state)
    return records


def _of_revenue(text: str, figure: Figure, window: str, patterns: _Patterns, language: str) -> bool:
    if figure.unit != "%":
        return False
    if language == "zh":
        return _ends_with(patterns.of_revenue, window[-6:])
    return bool(patterns.of_revenue.match(text[figure.end: figure.end + 24].lstrip()))


def _share_of_free_cash_flow(text: str, figure: Figure, patterns: _Patterns) -> bool:
    return bool(patterns.of_free_cash_flow.match(text[figure.end: figure.end + 24].lstrip()))


def _period(periods: list, figure: Figure, ongoing: bool, state: TurnState, context: SentenceContext) -> str | None:
    before = [p for p in periods if p.end <= figure.start]
    if before:
        return before[-1].period
    after = [p for p in periods if p.start >= figure.end]
    if after:
        return after[0].period
    if ongoing:
        return None
    if state.period:
        return state.period
    return context.calendar.following_quarter() if context.calendar else None


def _remember_period(records: list[Guidance], state: TurnState) -> None:
    """The next forecast without a period of its own continues the last one's (same paragraph of outlook)."""
    if records and records[-1].period:
        state.period = records[-1].period
