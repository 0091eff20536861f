"""The array-based sentence boundaries equal spaCy's Sentencizer, plus paragraph breaks."""

from __future__ import annotations

from functools import cache

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from calls.analyse.nlp import ZH_SENTENCE_ENDS, pipeline

TEXTS = [
    "",
    ".",
    "...!?",
    "Revenue grew. Margins held!",
    "Revenue grew.Margins held",
    "We said (see above.) \"Done.\" Next one?",
    "Is it 3.5 or 4? It is 3.5%. Thanks.",
    "No final mark at all",
    "! Leading mark then words. ",
    "Two\n\nparagraphs without a stop\nand a third line.",
]
ZH_TEXTS = ["收入增长。利润率稳定！", "我们预计3.5%左右……谢谢？", "没有句号", "。。开头是句号。然后"]


@cache
def _reference(language: str) -> spacy.language.Language:
    """spaCy's own Sentencizer with the marks the pipeline uses."""
    if language == "zh":
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        nlp.add_pipe("sentencizer", config={"punct_chars": ZH_SENTENCE_ENDS})
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
    return nlp


def _spacy_sentences(language: str, text: str) -> list[str]:
    return [s.text for s in _reference(language)(text).sents]


def _ours(language: str, text: str) -> list[str]:
    nlp = pipeline(language)
    doc = nlp.get_pipe("calls_sentence_starts")(nlp.make_doc(text))
    return [s.text for s in doc.sents]


@pytest.mark.parametrize("text", [t for t in TEXTS if "\n" not in t])
def test_english_boundaries_equal_spacy_sentencizer(text: str) -> None:
    assert _ours("en", text) == _spacy_sentences("en", text)


@pytest.mark.parametrize("text", ZH_TEXTS)
def test_chinese_boundaries_equal_spacy_sentencizer(text: str) -> None:
    assert _ours("zh", text) == _spacy_sentences("zh", text)


def test_a_paragraph_break_ends_a_sentence() -> None:
    assert _ours("en", "Two\n\nparagraphs without a stop\nand a third line.") == [
        "Two\n\n", "paragraphs without a stop\n", "and a third line.",
    ]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet="ab .!?()\"' 3", max_size=60))
def test_any_single_line_text_splits_as_spacy_does(text: str) -> None:
    assert _ours("en", text) == _spacy_sentences("en", text)
