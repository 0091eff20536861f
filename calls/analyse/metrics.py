"""Metrics of a call, its sections and its speakers, summed from per-sentence counts.

Readability: for English, the Gunning fog index (Gunning 1952: 0.4 × (words per
sentence + 100 × share of words of three or more syllables)) and Flesch reading
ease (Flesch 1948: 206.835 − 1.015 × words per sentence − 84.6 × syllables per
word), from spaCy's sentences and words and textstat's syllable counts, plus
words per sentence. For Chinese, no English
formula is applied: characters per clause, and the shares of adverbs and of
conjunctions among words, the measures of Chinese text readability used in
Chinese accounting research (e.g. 丘心颖、郑小翠、邓可斌, 2016, 经济学(季刊)).
Densities are per 1,000 words (English) or per 1,000 characters (Chinese).
Operator turns are left out of every metric.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from calls.model import CallMetrics, GroupMetrics, QAPair, Role, Sentence, Tag, Turn

HEDGE_CATEGORIES = ("epistemic", "approximator", "conditional")


def _ratio(numerator: float, denominator: float, digits: int = 4) -> float | None:
    return round(numerator / denominator, digits) if denominator else None


def _per_thousand(count: int, size: int) -> float:
    return round(1000 * count / size, 3) if size else 0.0


def _readability(sentences: list[Sentence], language: str) -> dict[str, float]:
    words = sum(s.words for s in sentences)
    if not sentences or not words:
        return {}
    if language == "zh":
        clauses = sum(s.clauses for s in sentences)
        return {
            "characters_per_clause": round(sum(s.characters for s in sentences) / max(clauses, 1), 2),
            "adverb_share": round(sum(s.adverbs for s in sentences) / words, 4),
            "conjunction_share": round(sum(s.conjunctions for s in sentences) / words, 4),
        }
    per_sentence = words / len(sentences)
    return {
        "gunning_fog": round(0.4 * (per_sentence + 100 * sum(s.difficult_words for s in sentences) / words), 2),
        "flesch_reading_ease": round(206.835 - 1.015 * per_sentence - 84.6 * sum(s.syllables for s in sentences) / words, 2),
        "words_per_sentence": round(per_sentence, 2),
    }


def group_metrics(scope: str, key: str, role: Role | None, turns: set[int], sentences: list[Sentence], tags: list[Tag], language: str) -> GroupMetrics:
    """The metrics of one group of sentences (a call, a section, a speaker)."""
    indices = {s.index for s in sentences}
    own = [t for t in tags if t.sentence in indices]
    words = sum(s.words for s in sentences)
    size = sum(s.characters for s in sentences) if language == "zh" else words
    positive = sum(s.positive for s in sentences)
    negative = sum(s.negative for s in sentences)
    uncertainty = sum(s.uncertainty for s in sentences)
    hedges = Counter(t.category for t in own if t.kind == "hedge")
    forward = sum(1 for t in own if t.kind == "forward_looking")
    numbers = sum(s.numbers for s in sentences)
    theme_sentences: dict[str, set[int]] = defaultdict(set)
    for tag in own:
        if tag.kind == "theme":
            theme_sentences[tag.category].add(tag.sentence)
    return GroupMetrics(
        scope=scope,
        key=key,
        role=role,
        turns=len(turns),
        sentences=len(sentences),
        words=words,
        size=size,
        positive=positive,
        negative=negative,
        uncertainty=uncertainty,
        net_tone=_ratio(positive - negative, positive + negative),
        hedges={category: hedges.get(category, 0) for category in HEDGE_CATEGORIES},
        hedge_density=_per_thousand(sum(hedges.values()), size),
        forward_looking=forward,
        forward_looking_density=_per_thousand(forward, size),
        uncertainty_density=_per_thousand(uncertainty, size),
        numbers=numbers,
        numeric_share=_ratio(numbers, words),
        specific_number_share=_ratio(sum(s.specific_numbers for s in sentences), numbers),
        themes={theme: round(len(found) / len(sentences), 4) for theme, found in sorted(theme_sentences.items())} if sentences else {},
        readability=_readability(sentences, language),
    )


def call_metrics(turns: list[Turn], sentences: list[Sentence], tags: list[Tag], pairs: list[QAPair], language: str) -> CallMetrics:
    """Metrics overall, per section and per speaker, and the non-answer rate of the Q&A."""
    by_turn = {t.index: t for t in turns if t.role != Role.operator}
    kept = [s for s in sentences if s.turn in by_turn]
    groups: dict[tuple[str, str], list[Sentence]] = defaultdict(list)
    for sentence in kept:
        turn = by_turn[sentence.turn]
        groups[("section", turn.section.value)].append(sentence)
        groups[("speaker", turn.speaker)].append(sentence)
    roles = {t.speaker: t.role for t in by_turn.values()}

    def build(scope: str, key: str, members: list[Sentence]) -> GroupMetrics:
        return group_metrics(scope, key, roles.get(key) if scope == "speaker" else None, {s.turn for s in members}, members, tags, language)

    evasive = sum(1 for p in pairs if p.non_answer)
    return CallMetrics(
        language=language,
        density_unit="per 1,000 characters" if language == "zh" else "per 1,000 words",
        call=build("call", "call", kept),
        sections=[build(scope, key, members) for (scope, key), members in groups.items() if scope == "section"],
        speakers=[build(scope, key, members) for (scope, key), members in groups.items() if scope == "speaker"],
        questions=len(pairs),
        non_answers=evasive,
        non_answer_rate=_ratio(evasive, len(pairs)),
    )
