"""Every regular expression of the project, fed adversarial lines, finishes quickly (no catastrophic backtracking)."""

from __future__ import annotations

import re
import time

import pytest

from calls.analyse import figures, guidance, periods
from calls.analyse.lexicons import hedge_lexicon, non_answer_lexicon
from calls.ingest import feed, metadata, plain
from calls.segment import lines, roster

# A generous bound per pattern and input: a backtracking blow-up takes minutes, not a second.
BOUND_SECONDS = 1.0
N = 20_000

ADVERSARIAL = {
    "letters": "a" * N,
    "capitalised words": "Aaaa " * (N // 5),
    "colons": ":" * N,
    "full-width colons": "：" * N,
    "spaces then colon": " " * N + ":",
    "name then spaces": "Tim Archer" + " " * N + "x",
    "dashes": "-- " * (N // 3),
    "bracket numbers": "[1]" * (N // 3),
    "Q prefixes": "Q1 " * (N // 3),
    "commas": "," * N,
    "digits and commas": "1," * (N // 2),
    "dollar ranges": "$1 to " * (N // 6),
    "plus or minus": "$1, plus or minus " * (N // 20),
    "chinese": "来自" * (N // 2) + "的",
    "chinese numbers": "约1亿至" * (N // 4),
    "percent": "1%" * (N // 2),
    "cdata": "<![CDATA[" * (N // 9),
    "front matter": "---\n" + "k: v\n" * (N // 5),
    "dots": "A." * (N // 2),
    "mixed": "Revenue: $1.2B to $1.3B, 约49%, 第三季度 — " * (N // 40),
}


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    found: list[tuple[str, re.Pattern[str]]] = []
    found += [(f"speaker line {name}", p) for name, p in lines._layouts()]
    found += [(f"heading {kind}", p) for kind, p in lines._heading_patterns().items()]
    found += [("transcript start", lines._transcript_start()), ("publisher note", lines._publisher_note()), ("operator", lines.operator_pattern())]
    found += [(f"introduction {i}", p) for i, p in enumerate(roster._introduction_patterns())]
    found += [("bracket alias", roster._BRACKET_ALIAS), ("feed article", feed._ARTICLE), ("front matter", plain._FRONT_MATTER)]
    found += [(f"period {i}", p) for i, (p, _) in enumerate(metadata._PERIOD_PATTERNS)]
    found += [(f"date {i}", p) for i, p in enumerate(metadata._DATE_PATTERNS)]
    for language in ("en", "zh"):
        found.append((f"figure atoms {language}", figures._atom_pattern(language)))
        found += [(f"period {language} {i}", p) for i, (p, _) in enumerate(periods._patterns(language))]
        rules = guidance._patterns(language)
        found += [(f"guidance metric {m.id} {language}", p) for m, p in rules.metrics]
        found += [(f"guidance cue {language} {i}", p) for i, p in enumerate([rules.forward, rules.not_forward, rules.comparison, rules.growth, rules.decline])]
        for category, patterns in non_answer_lexicon()[language].items():
            found += [(f"non-answer {language} {category} {i}", re.compile(p, re.IGNORECASE)) for i, p in enumerate(patterns)]
        from calls.analyse.lexicons import phrase_pattern

        found += [(f"hedges {language} {c}", phrase_pattern(words)) for c, words in hedge_lexicon()[language].items()]
    return found


PATTERNS = _patterns()


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_every_pattern_is_fast_on_adversarial_input(name: str) -> None:
    text = ADVERSARIAL[name]
    slow = []
    for label, pattern in PATTERNS:
        started = time.perf_counter()
        pattern.search(text)
        for _ in pattern.finditer(text[:5000]):
            pass
        pattern.match(text)
        elapsed = time.perf_counter() - started
        if elapsed > BOUND_SECONDS:
            slow.append(f"{label}: {elapsed:.2f} s")
    assert not slow, slow


def test_the_pattern_list_covers_every_layout_and_lexicon() -> None:
    assert len(PATTERNS) > 150
    assert {label.split()[2] for label, _ in PATTERNS if label.startswith("speaker line")} == {
        "refinitiv", "bloomberg", "numbered_question", "double_dash", "name_title_colon", "name_colon", "name_alone"
    }
