"""Tone, themes, numbers, readability and metrics per call, section and speaker, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from calls.analyse import analyse_text
from calls.analyse.components import _specific
from calls.analyse.lexicons import load_tone_csv, phrase_pattern, reset_tone_lexicon, themes, tone_lexicon
from calls.model import Call, Role
from calls.pipeline import parse_document
from tests.conftest import TRANSCRIPTS, parsed
from tests.test_layouts import _parse


def _tone(text: str, language: str = "en") -> tuple[int, int, int]:
    from calls.analyse.nlp import pipeline

    doc = pipeline(language).make_doc(text)
    doc.user_data["calls"] = {"role": "executive", "section": "prepared_remarks"}
    doc = pipeline(language)(doc)
    sentences = doc._.calls["sentences"]
    return sum(s["positive"] for s in sentences), sum(s["negative"] for s in sentences), sum(s["uncertainty"] for s in sentences)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_tone_word_matches_itself(language: str) -> None:
    lexicon = tone_lexicon(language)
    for words in (lexicon.positive, lexicon.negative, lexicon.uncertainty, lexicon.negators):
        pattern = phrase_pattern(words)
        assert all(pattern.search(word) for word in words)


def test_tone_counts_and_negation() -> None:
    assert _tone("Demand was strong and margins improved.") == (2, 0, 0)
    assert _tone("Demand was not strong.") == (0, 1, 0)
    assert _tone("需求强劲,利润率改善。", "zh")[0] == 2
    assert _tone("需求疲软,面临逆风。", "zh")[1] == 2


@pytest.mark.parametrize("theme", themes(), ids=lambda t: t.id)
def test_every_theme_term_is_found(theme) -> None:
    for language in ("en", "zh"):
        terms = getattr(theme, language)
        assert terms, (theme.id, language)
        for term in terms:
            tags, _ = analyse_text(f"我们谈到{term}。" if language == "zh" else f"We discussed {term} today.", language)
            assert any(t.kind == "theme" and t.category == theme.id for t in tags), (theme.id, term)


def test_specific_numbers() -> None:
    assert [_specific(n) for n in ("5.34", "49.7", "1,260", "5", "50", "1,000")] == [True, True, False, False, False, False]
    assert _specific("27") and _specific("13")


def test_user_tone_dictionary_replaces_the_english_lists(tmp_path: Path) -> None:
    csv_path = tmp_path / "lm.csv"
    csv_path.write_text("Word,Negative,Positive,Uncertainty\nBLISS,0,2009,0\nGLOOM,2009,0,0\nMAYBE,0,0,2009\nSTRONG,0,0,0\n", encoding="utf-8")
    try:
        load_tone_csv(csv_path)
        assert _tone("Bliss, gloom and maybe strong demand.") == (1, 1, 1)
    finally:
        reset_tone_lexicon()
    assert _tone("Bliss, gloom and maybe strong demand.")[0] == 1  # back to the project's list: only "strong"


def test_a_tone_csv_without_the_columns_is_refused(tmp_path: Path) -> None:
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text("Term,Score\nup,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lacks the column"):
        load_tone_csv(csv_path)


def test_operator_is_left_out_and_groups_add_up(seed_calls: tuple[Call, ...]) -> None:
    for call in (*seed_calls, *(parsed(p)[0] for p in sorted(TRANSCRIPTS.glob("northwind_*.txt")))):
        metrics = call.metrics
        assert metrics is not None
        assert all(s.role != Role.operator for s in metrics.speakers)
        analysed = [s for s in call.sentences if call.turns[s.turn].role != Role.operator]
        assert metrics.call.sentences == len(analysed) == sum(s.sentences for s in metrics.sections) == sum(s.sentences for s in metrics.speakers)
        assert metrics.call.positive == sum(s.positive for s in metrics.speakers)
        tone = metrics.call
        expected = round((tone.positive - tone.negative) / (tone.positive + tone.negative), 4)
        assert tone.net_tone == expected
        assert tone.hedge_density == round(1000 * sum(tone.hedges.values()) / tone.size, 3)
        for pair in call.qa_pairs:
            assert pair.on_topic is None or 0 <= pair.on_topic <= 1


def test_readability_measures_per_language(seed_calls: tuple[Call, ...]) -> None:
    lam = seed_calls[0]
    assert set(lam.metrics.call.readability) == {"characters_per_clause", "adverb_share", "conjunction_share"}
    assert lam.metrics.density_unit == "per 1,000 characters"
    english = parsed(TRANSCRIPTS / "northwind_fy2025q3.txt")[0]
    assert set(english.metrics.call.readability) == {"gunning_fog", "flesch_reading_ease", "words_per_sentence"}
    assert 5 < english.metrics.call.readability["gunning_fog"] < 25
    assert english.metrics.density_unit == "per 1,000 words"


def test_on_topic_score_sees_a_drifting_answer() -> None:
    text = """Operator: Our first question comes from Wei Zhang with Citi.
Wei Zhang: How much did data center revenue grow in Europe this quarter?
Jane Roe: Data center revenue in Europe grew strongly this quarter.
Operator: Our next question comes from Sam Ortiz with JPMorgan.
Sam Ortiz: How much did data center revenue grow in Europe this quarter?
Jane Roe: We are very proud of our employees and our culture.
"""
    from calls.analyse import analyse

    call = analyse(_parse(text))
    on_topic, drifted = (p.on_topic for p in call.qa_pairs)
    assert on_topic > 0.5 > drifted


def test_parse_json_carries_the_analysis(seed_calls: tuple[Call, ...]) -> None:
    lam = seed_calls[0]
    assert lam.sentences and lam.tags and lam.guidance and lam.metrics
    for tag in lam.tags:
        assert lam.text[tag.start: tag.end] == tag.cue
    for record in lam.guidance:
        assert lam.text[record.start: record.end] in record.sentence


def test_segmenting_alone_leaves_the_analysis_empty() -> None:
    from calls.model import Document, SourceInfo

    call = parse_document(Document(text="Operator: Hi.\nJane Roe: Revenue grew.", source=SourceInfo(path="x.txt", kind="text"), language="en"))
    assert (call.sentences, call.tags, call.guidance, call.metrics) == ([], [], [], None)
