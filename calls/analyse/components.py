"""The project's spaCy components, registered as factories.

Each component reads one turn's Doc (its context in `doc.user_data["calls"]`)
and appends plain records to `doc._.calls` under its own key: sentence counts,
tone, hedges, themes, non-answers, guidance. Cues are matched with compiled
patterns over each sentence's text, so one pass per sentence serves every
lexicon, in English and Chinese alike.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import textstat
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LIKE_NUM
from spacy.language import Language
from spacy.tokens import Doc

from calls.analyse.guidance import SentenceContext, TurnState, sentence_guidance
from calls.analyse.lexicons import (
    fold,
    guidance_rules,
    hedge_lexicon,
    non_answer_lexicon,
    phrase_pattern,
    readability_words,
    themes,
    tone_lexicon,
)

if not Doc.has_extension("calls"):
    Doc.set_extension("calls", default=None)

_CJK = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
# Words of letters only, as spaCy's is_alpha tokens of English prose.
_LATIN_WORD = re.compile(r"(?<![\w'’])[a-z]+(?![\w'’])")
_YEAR = re.compile(r"(?:19|20)\d{2}")


def results(doc: Doc) -> dict[str, list]:
    """The records the components wrote on a Doc."""
    if doc._.calls is None:
        doc._.calls = {"sentences": [], "tags": [], "guidance": []}
    return doc._.calls


def doc_text(doc: Doc) -> str:
    """The Doc's text, read once: `Doc.text` builds a Token object for every token each time it is read."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


def context(doc: Doc) -> dict:
    """The turn's context set by the caller: language, role, section, speaker, turn, calendar, company."""
    return doc.user_data.get("calls", {})


@Language.factory("calls_paragraphs")
def make_paragraphs(nlp: Language, name: str) -> "ParagraphBreaks":
    """A sentence also ends at a paragraph break (a transcript's paragraph may lack its full stop)."""
    return ParagraphBreaks()


class ParagraphBreaks:
    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        if "\n" not in text:
            return doc
        # Token start offsets as an array: find the token after each line break without walking every token.
        starts = doc.to_array([IDX])
        position = text.find("\n")
        while position >= 0:
            index = int(np.searchsorted(starts, position, side="right"))  # first token starting after the break
            if index < len(doc) and doc[index - 1].is_space:
                doc[index].is_sent_start = True
            position = text.find("\n", position + 1)
        return doc


@Language.factory("calls_sentences", default_config={"language": "en"})
def make_sentences(nlp: Language, name: str, language: str) -> "SentenceCounts":
    """Words, characters, numbers and readability counts per sentence."""
    return SentenceCounts(language)


class SentenceCounts:
    def __init__(self, language: str) -> None:
        self.language = language
        words = readability_words().get("zh", {})
        self.adverbs = frozenset(words.get("adverbs", []))
        self.conjunctions = frozenset(words.get("conjunctions", []))
        self.clause_marks = re.compile("|".join(re.escape(m) for m in words.get("clause_marks", ["。"])))

    def __call__(self, doc: Doc) -> Doc:
        out = results(doc)["sentences"]
        full = doc_text(doc)
        # Per-token flags as arrays, so counting words does not build a Python object per token.
        flags = doc.to_array([IS_PUNCT, IS_SPACE, LIKE_NUM])
        is_word = (flags[:, 0] == 0) & (flags[:, 1] == 0)
        maybe_number = np.flatnonzero(is_word & (flags[:, 2] == 1))
        for index, sent in enumerate(doc.sents):
            text = full[sent.start_char: sent.end_char]
            if not text.strip():
                continue
            first, last = int(np.searchsorted(maybe_number, sent.start)), int(np.searchsorted(maybe_number, sent.end))
            numbers = [n for n in (doc[int(i)].text for i in maybe_number[first:last]) if any(c.isdigit() for c in n) and not _YEAR.fullmatch(n)]
            record = {
                "index": index,
                "start": sent.start_char,
                "end": sent.end_char,
                "text": text,
                "folded": fold(text),  # what the lexicon components scan
                "words": int(is_word[sent.start: sent.end].sum()),
                "characters": len(_CJK.findall(text)),
                "numbers": len(numbers),
                "specific_numbers": sum(1 for n in numbers if _specific(n)),
            }
            if self.language == "zh":
                words = [t.text for t in sent if not (t.is_punct or t.is_space)]
                record["clauses"] = max(1, len([c for c in self.clause_marks.split(text) if c.strip()]))
                record["adverbs"] = sum(1 for w in words if w in self.adverbs)
                record["conjunctions"] = sum(1 for w in words if w in self.conjunctions)
            else:
                counts = [_syllables(w) for w in _LATIN_WORD.findall(text.lower())]
                record["syllables"] = sum(counts)
                # Gunning's complex words: three syllables or more.
                record["difficult_words"] = sum(1 for c in counts if c >= 3)
            out.append(record)
        return doc


@lru_cache(maxsize=65536)
def _syllables(word: str) -> int:
    """Syllables of one word, by textstat's rules (Pyphen hyphenation), counted once per distinct word."""
    return textstat.syllable_count(word)


def _tag(kind: str, category: str, match: re.Match[str], record: dict) -> tuple:
    """A tag record for a cue matched in a sentence's (folded) text: the cue as written, offsets relative to the turn."""
    start = record["start"]
    cue = record["text"][match.start(): match.end()]
    return (kind, category, cue, record["index"], start + match.start(), start + match.end())


def _blank(pattern: re.Pattern[str], text: str) -> str:
    """`text` with the matches of `pattern` replaced by spaces, offsets unchanged."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _specific(number: str) -> bool:
    """A precise figure (5.34, 49.7, 1,260) rather than a round one (5, 50, 1,000)."""
    digits = number.replace(",", "")
    if "." in digits:
        return True
    try:
        return int(digits) % 5 != 0
    except ValueError:
        return False


@Language.factory("calls_tone", default_config={"language": "en"})
def make_tone(nlp: Language, name: str, language: str) -> "Tone":
    """Positive, negative and uncertainty words per sentence; a negated positive word counts as negative."""
    return Tone(language)


class Tone:
    def __init__(self, language: str) -> None:
        self.language = language
        self._lexicon = None
        self._patterns: tuple[re.Pattern[str], ...] = ()

    def patterns(self) -> tuple[re.Pattern[str], ...]:
        """Compiled word lists, rebuilt only when a user's dictionary replaces the bundled one."""
        lexicon = tone_lexicon(self.language)
        if lexicon is not self._lexicon:
            self._lexicon = lexicon
            self._patterns = tuple(
                phrase_pattern(words, folded=True)
                for words in (lexicon.positive, lexicon.negative, lexicon.uncertainty, lexicon.negators)
            )
        return self._patterns

    def __call__(self, doc: Doc) -> Doc:
        positive, negative, uncertainty, negators = self.patterns()
        reach = 4 if self.language == "zh" else 24  # characters before a word that may negate it
        for record in results(doc)["sentences"]:
            text = record["folded"]
            pos = neg = 0
            for m in positive.finditer(text):
                if negators.search(text[max(0, m.start() - reach): m.start()]):
                    neg += 1
                else:
                    pos += 1
            record["positive"] = pos
            record["negative"] = neg + len(negative.findall(text))
            record["uncertainty"] = len(uncertainty.findall(text))
        return doc


@Language.factory("calls_hedges", default_config={"language": "en"})
def make_hedges(nlp: Language, name: str, language: str) -> "Hedges":
    """Hedging cues by category, and forward-looking cues apart from them."""
    return Hedges(language)


# After an approximator: a number, maybe behind "为"/"是" or a currency sign, or a number word ("roughly a third").
_NUMBER_AHEAD = re.compile(
    r"\s*(?:为|是|在)?\s*(?:US\$|\$|¥)?\s*(?:\d|[一二两三四五六七八九十半几]|(?:a|an|one|two|three|half)\b)", re.IGNORECASE
)


class Hedges:
    def __init__(self, language: str) -> None:
        lexicon = hedge_lexicon()[language]
        self.masked = phrase_pattern(lexicon.get("masked", []), folded=True)
        # Expectations and guidance about the past ("better than expected") are not forward-looking.
        self.past = phrase_pattern(guidance_rules().cues[f"not_forward_{language}"], folded=True)
        self.plain = [
            (kind, category, phrase_pattern(lexicon[category], folded=True))
            for kind, category in (("hedge", "epistemic"), ("hedge", "conditional"), ("forward_looking", "forward_looking"))
        ]
        self.before_number = phrase_pattern(lexicon.get("approximator_before_number", []), folded=True)
        self.after_number = phrase_pattern(lexicon.get("approximator_after_number", []), folded=True)

    def __call__(self, doc: Doc) -> Doc:
        tags = results(doc)["tags"]
        for record in results(doc)["sentences"]:
            text = _blank(self.masked, record["folded"])
            for kind, category, pattern in self.plain:
                searched = _blank(self.past, text) if kind == "forward_looking" else text
                tags.extend(_tag(kind, category, m, record) for m in pattern.finditer(searched))
            # Approximators only count next to a number: "about $345 million", not "talk about".
            tags.extend(_tag("hedge", "approximator", m, record) for m in self.before_number.finditer(text) if _NUMBER_AHEAD.match(text, m.end()))
            tags.extend(
                _tag("hedge", "approximator", m, record)
                for m in self.after_number.finditer(text)
                if re.search(r"\d", text[max(0, m.start() - 6): m.start()])
            )
        return doc


@Language.factory("calls_themes", default_config={"language": "en"})
def make_themes(nlp: Language, name: str, language: str) -> "Themes":
    """Theme terms of the taxonomy per sentence."""
    return Themes(language)


class Themes:
    def __init__(self, language: str) -> None:
        # One pass over each sentence for every theme: a term may belong to several themes.
        self.themes_of: dict[str, list[str]] = {}
        for theme in themes():
            for term in getattr(theme, language):
                ids = self.themes_of.setdefault(term.lower(), [])
                if theme.id not in ids:
                    ids.append(theme.id)
        self.pattern = phrase_pattern(list(self.themes_of), folded=True)

    def __call__(self, doc: Doc) -> Doc:
        tags = results(doc)["tags"]
        for record in results(doc)["sentences"]:
            for m in self.pattern.finditer(record["folded"]):
                tags.extend(_tag("theme", theme_id, m, record) for theme_id in self.themes_of[m.group(0)])
        return doc


@Language.factory("calls_non_answers", default_config={"language": "en"})
def make_non_answers(nlp: Language, name: str, language: str) -> "NonAnswers":
    """Refusals, inabilities and deferrals in management's answers (Gow, Larcker & Zakolyukina 2021)."""
    return NonAnswers(language)


class NonAnswers:
    def __init__(self, language: str) -> None:
        self.patterns = [
            (category, re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE))
            for category, patterns in non_answer_lexicon()[language].items()
        ]

    def __call__(self, doc: Doc) -> Doc:
        ctx = context(doc)
        if ctx.get("section") != "qa" or ctx.get("role") not in ("executive", "investor_relations"):
            return doc
        tags = results(doc)["tags"]
        for record in results(doc)["sentences"]:
            for category, pattern in self.patterns:
                tags.extend(_tag("non_answer", category, m, record) for m in pattern.finditer(record["text"]))
        return doc


@Language.factory("calls_guidance", default_config={"language": "en"})
def make_guidance(nlp: Language, name: str, language: str) -> "GuidanceTagger":
    """Structured guidance records from management's forward-looking sentences."""
    return GuidanceTagger(language)


class GuidanceTagger:
    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, doc: Doc) -> Doc:
        ctx = context(doc)
        if ctx.get("role") not in ("executive", "investor_relations"):
            return doc
        state = TurnState()
        out = results(doc)["guidance"]
        for record in results(doc)["sentences"]:
            sentence = SentenceContext(
                language=self.language,
                calendar=ctx.get("calendar"),
                company=ctx.get("company"),
                speaker=ctx.get("speaker", ""),
                turn=ctx.get("turn", 0),
                offset=ctx.get("offset", 0) + record["start"],
            )
            out.extend(sentence_guidance(record["text"], sentence, state))
        return doc
