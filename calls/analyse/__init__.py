"""Analysis: guidance records, hedges, non-answers, themes, tone, numbers and readability of a Call.

`analyse(call)` runs the language's spaCy pipeline once over the call's turns
(`nlp.pipe`, operator turns left out) and returns the Call with `sentences`,
`tags`, `guidance`, `metrics` and the non-answer and on-topic fields of its
Q&A pairs filled in.
"""

from __future__ import annotations

from spacy.tokens import Doc

from calls.analyse.components import context, results
from calls.analyse.metrics import call_metrics
from calls.analyse.nlp import lemma_lookup, pipeline
from calls.analyse.periods import calendar_of
from calls.ingest.metadata import company_by_name_or_ticker
from calls.model import Call, Guidance, QAPair, Role, Sentence, Tag, Turn

__all__ = ["analyse", "analyse_text", "reanalyse"]

# Which non-answer category a pair gets when its answer has cues of several.
_NON_ANSWER_ORDER = ("refuse", "unable", "after_call")


# The spaCy component of each analyser (calls.analyse.lexicons.ANALYSER_FILES names their data).
COMPONENT_OF = {
    "readability": "calls_sentences", "tone": "calls_tone", "hedges": "calls_hedges", "themes": "calls_themes",
    "non_answers": "calls_non_answers", "guidance": "calls_guidance",
}
TAG_KINDS_OF = {"hedges": ("hedge", "forward_looking"), "themes": ("theme",), "non_answers": ("non_answer",)}
SENTENCE_FIELDS_OF = {"tone": ("positive", "negative", "uncertainty"), "readability": ("syllables", "difficult_words", "clauses", "adverbs", "conjunctions")}


def analyse(call: Call) -> Call:
    """The call with its analysis filled in."""
    sentences, tags, guidance, terms = _run(call, set(COMPONENT_OF))
    return _finish(call, sentences, tags, guidance, terms)


def reanalyse(call: Call, changed: set[str]) -> Call:
    """Re-run only the `changed` analysers over the stored turns (no re-parsing); keep the rest; rebuild the metrics."""
    if not changed:
        return call
    sentences, tags, guidance, terms = _run(call, changed)
    if len(sentences) != len(call.sentences):  # different sentence boundaries (another spaCy): analyse all
        return analyse(call)
    kept_sentences = []
    for old, new in zip(call.sentences, sentences, strict=True):
        update = {f: getattr(new, f) for analyser in changed for f in SENTENCE_FIELDS_OF.get(analyser, ())}
        kept_sentences.append(old.model_copy(update=update))
    replaced_kinds = {kind for analyser in changed for kind in TAG_KINDS_OF.get(analyser, ())}
    merged_tags = sorted(
        [t for t in call.tags if t.kind not in replaced_kinds] + [t for t in tags if t.kind in replaced_kinds],
        key=lambda t: (t.turn, t.start, t.end, t.kind, t.category),
    )
    return _finish(call, kept_sentences, merged_tags, guidance if "guidance" in changed else call.guidance, terms)


def turn_docs(call: Call) -> tuple[list[Turn], list[Doc]]:
    """The turns the analysis reads (operator turns left out) and a tokenised Doc of each, with its context."""
    nlp = pipeline(call.language if call.language in ("en", "zh") else "en")
    company = company_by_name_or_ticker(call.ticker or "") or company_by_name_or_ticker(call.company or "")
    calendar = calendar_of(call.fiscal_period, company, call.call_date.year if call.call_date else None)
    turns = [t for t in call.turns if t.role != Role.operator]
    docs = []
    for turn in turns:
        doc = nlp.make_doc(turn.text)
        doc.user_data["text"] = turn.text  # Doc.text would rebuild it token by token
        doc.user_data["calls"] = {
            "role": turn.role.value,
            "section": turn.section.value,
            "speaker": turn.speaker,
            "turn": turn.index,
            "offset": turn.start,
            "calendar": calendar,
            "company": company,
        }
        docs.append(doc)
    return turns, docs


def _run(call: Call, analysers: set[str]) -> tuple[list[Sentence], list[Tag], list[Guidance], dict[int, set[str]]]:
    """Run the pipeline over the call's turns (operator turns left out) with the given analysers."""
    language = call.language if call.language in ("en", "zh") else "en"
    nlp = pipeline(language)
    turns, docs = turn_docs(call)
    skipped = [COMPONENT_OF[a] for a in COMPONENT_OF if a not in analysers and COMPONENT_OF[a] != "calls_sentences"]
    sentences: list[Sentence] = []
    tags: list[Tag] = []
    guidance: list[Guidance] = []
    terms: dict[int, set[str]] = {}
    with nlp.select_pipes(disable=skipped):
        for turn, doc in zip(turns, nlp.pipe(docs, batch_size=32), strict=True):
            found = results(doc)
            local = {}
            for record in found["sentences"]:
                local[record["index"]] = len(sentences)
                fields = {k: v for k, v in record.items() if k not in ("index", "start", "end", "text", "folded")}
                sentences.append(Sentence(index=len(sentences), turn=turn.index, start=turn.start + record["start"], end=turn.start + record["end"], **fields))
            for kind, category, cue, sentence, start, end in found["tags"]:
                tags.append(Tag(kind=kind, category=category, cue=cue, turn=turn.index, sentence=local[sentence], start=turn.start + start, end=turn.start + end))
            guidance.extend(found["guidance"])
            terms[turn.index] = _content_terms(doc, language)
    return sentences, tags, guidance, terms


def _finish(call: Call, sentences: list[Sentence], tags: list[Tag], guidance: list[Guidance], terms: dict[int, set[str]]) -> Call:
    """Judge the pairs and measure the call from its sentences and tags."""
    language = call.language if call.language in ("en", "zh") else "en"
    for tag in tags:
        if tag.kind == "theme" and tag.turn in terms:
            terms[tag.turn].add(f"theme:{tag.category}")
    pairs = [_judge_pair(pair, tags, terms) for pair in call.qa_pairs]
    return call.model_copy(
        update={
            "sentences": sentences,
            "tags": tags,
            "guidance": _first_statements(guidance),
            "qa_pairs": pairs,
            "metrics": call_metrics(call.turns, sentences, tags, pairs, language),
        }
    )


def analyse_text(text: str, language: str, role: str = "executive", section: str = "prepared_remarks") -> tuple[list[Tag], list[Guidance]]:
    """Tags and guidance of a piece of text said by someone in `role` in `section` (no call around it)."""
    doc = pipeline(language).make_doc(text)
    doc.user_data["calls"] = {"role": role, "section": section, "speaker": "", "turn": 0, "offset": 0, "calendar": None, "company": None}
    found = results(pipeline(language)(doc))
    tags = [Tag(kind=k, category=c, cue=q, turn=0, sentence=s, start=a, end=b) for k, c, q, s, a, b in found["tags"]]
    return tags, found["guidance"]


def _content_terms(doc: Doc, language: str) -> set[str]:
    """Lemmas of content words and numbers: what a question asks about, for the on-topic score."""
    if context(doc).get("section") != "qa":
        return set()
    # A blank pipeline has no lemmatizer pass: lemmas are looked up only for the words kept here.
    table = None if language == "zh" or doc.has_annotation("LEMMA") else lemma_lookup()
    terms = set()
    for token in doc:
        if token.is_punct or token.is_space or token.is_stop:
            continue
        text = token.text
        if token.like_num and any(c.isdigit() for c in text):
            terms.add(text)
        elif language == "zh" and len(text) >= 2:
            terms.add(text)
        elif language != "zh" and token.is_alpha and len(text) > 2:
            lemma = table.get(text, text) if table is not None else token.lemma_
            terms.add((lemma or text).lower())
    return terms


def _judge_pair(pair: QAPair, tags: list[Tag], terms: dict[int, set[str]]) -> QAPair:
    """Flag a pair's non-answer (category and cues) and score how much of the question its answer takes up."""
    answer_turns = set(pair.answer_turns)
    cues = [t for t in tags if t.kind == "non_answer" and t.turn in answer_turns]
    category = next((c for c in _NON_ANSWER_ORDER if any(t.category == c for t in cues)), None)
    question = set().union(*(terms.get(i, set()) for i in pair.question_turns))
    answer = set().union(*(terms.get(i, set()) for i in pair.answer_turns)) if pair.answer_turns else set()
    on_topic = round(len(question & answer) / len(question), 3) if question and pair.answer_turns else None
    return pair.model_copy(update={"non_answer": category, "non_answer_cues": [t.cue for t in cues], "on_topic": on_topic})


def _first_statements(records: list[Guidance]) -> list[Guidance]:
    """Each forecast once: a later restatement of the same metric, period and range is dropped."""
    seen = set()
    kept = []
    for record in records:
        key = (record.metric, record.segment, record.period, record.low, record.high, record.unit)
        if key not in seen:
            seen.add(key)
            kept.append(record)
    return kept
