"""The spaCy pipelines: built once per process and language.

`spacy.blank("en")` with spaCy's sentencizer, or `spacy.blank("zh")` with the
jieba segmenter and the sentencizer on Chinese marks; then the project's
components. Lemmas (only the Q&A on-topic score uses them) come from
spacy-lookups-data's table, looked up for the words that need one rather than
by a lemmatizer pass over every token. Set `CALLS_SPACY_MODEL` (e.g.
`en_core_web_sm`) to start English from an installed trained pipeline
instead; the results the tests check do not depend on it.
"""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.lookups import Table, load_lookups

import calls.analyse.components  # noqa: F401  (registers the factories)

# Chinese sentences end at these; "3.5" stays whole because jieba keeps numbers together.
ZH_SENTENCE_ENDS = ["。", "！", "？", "!", "?", "…"]
COMPONENTS = ["calls_sentences", "calls_tone", "calls_hedges", "calls_themes", "calls_non_answers", "calls_guidance"]


def _jieba_quiet() -> None:
    import logging

    import jieba

    jieba.setLogLevel(logging.ERROR)
    # jieba caches its dictionary in the temp folder unless told where; keep it in one known place.
    cache_dir = Path(os.environ.get("CALLS_CACHE", Path(tempfile.gettempdir()) / "calls-cache"))
    cache_dir.mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(cache_dir)


@cache
def lemma_lookup() -> Table:
    """English lemmas by word (spacy-lookups-data), for a blank pipeline's Docs, which carry none."""
    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


@cache
def pipeline(language: str) -> Language:
    """The analysis pipeline for `en` or `zh`."""
    if language == "zh":
        _jieba_quiet()
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        nlp.add_pipe("sentencizer", config={"punct_chars": ZH_SENTENCE_ENDS})
    else:
        trained = os.environ.get("CALLS_SPACY_MODEL")
        nlp = spacy.load(trained, exclude=["ner"]) if trained else spacy.blank("en")
        if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer")
    nlp.add_pipe("calls_paragraphs", after="sentencizer" if "sentencizer" in nlp.pipe_names else None)
    for name in COMPONENTS:
        nlp.add_pipe(name, config={"language": language})
    nlp.initialize()
    return nlp
