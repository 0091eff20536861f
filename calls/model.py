"""The data model every stage passes on.

These pydantic models are the contract between stages: ingest produces a
`Document`, segmentation turns it into a `Call`, and the JSON printed by
`calls parse --json` is the JSON of these models.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field


class Role(str, Enum):
    """What a participant does on the call."""

    executive = "executive"
    analyst = "analyst"
    operator = "operator"
    investor_relations = "investor_relations"
    unknown = "unknown"


class SectionKind(str, Enum):
    """The parts of a call, in the order they usually come."""

    preamble = "preamble"  # text before the transcript proper (a news lead, a title block)
    prepared_remarks = "prepared_remarks"
    qa = "qa"


class Model(BaseModel):
    """Base for all models: unknown fields are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class SourceInfo(Model):
    """Where a call's text came from."""

    path: str
    kind: str = Field(description="reader that produced it: text, html, pdf, docx, json, feed")
    encoding: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = Field(default=None, description="publication date line of a feed article")
    article: int | None = Field(default=None, description="position of the article in a feed dump (1-based)")


class SpeakerSpan(Model):
    """A speaker turn already delimited by the input (JSON transcript APIs)."""

    speaker: str
    role: str | None = None
    title: str | None = None
    firm: str | None = None
    start: int
    end: int


class Document(Model):
    """What a reader hands to segmentation: normalised text plus what the input said about it."""

    text: str
    source: SourceInfo
    language: str | None = None
    company: str | None = None
    ticker: str | None = None
    fiscal_period: str | None = None
    call_date: date | None = None
    segments: list[SpeakerSpan] | None = Field(
        default=None, description="speaker turns given by the input itself; None means find them in the text"
    )


class Participant(Model):
    """One person on the call, with every name form the transcript uses for them."""

    name: str
    role: Role = Role.unknown
    title: str | None = None
    firm: str | None = None
    aliases: list[str] = Field(default_factory=list)


class Section(Model):
    """A contiguous part of the call text."""

    kind: SectionKind
    heading: str | None = None
    start: int
    end: int


class Turn(Model):
    """One speaker's uninterrupted contribution; `text` is `Call.text[start:end]`."""

    index: int
    speaker: str
    role: Role
    section: SectionKind
    text: str
    start: int
    end: int
    label: str = Field(description="the speaker line as written in the source")


class QAPair(Model):
    """One analyst question (with its follow-up turns) and every answer until the next question."""

    index: int
    exchange: int = Field(description="groups all pairs of one analyst's slot, 1-based")
    analyst: str
    firm: str | None = None
    question_turns: list[int]
    answer_turns: list[int]
    answered_by: list[str]
    non_answer: str | None = Field(default=None, description="refuse, unable or after_call when the answer evades")
    non_answer_cues: list[str] = Field(default_factory=list)
    on_topic: float | None = Field(default=None, description="share of the question's content terms the answer takes up (0-1)")


class Sentence(Model):
    """One sentence of a turn, with its tone and number counts."""

    index: int
    turn: int
    start: int
    end: int
    words: int = Field(description="word tokens (Chinese: words as segmented)")
    characters: int = Field(description="CJK characters, the size measure of Chinese text")
    positive: int = 0
    negative: int = 0
    uncertainty: int = 0
    numbers: int = 0
    specific_numbers: int = 0
    syllables: int = Field(default=0, description="English readability counts (textstat)")
    difficult_words: int = 0
    clauses: int = Field(default=0, description="Chinese readability counts")
    adverbs: int = 0
    conjunctions: int = 0


class Tag(Model):
    """A cue found in a sentence: a hedge, a forward-looking cue, a non-answer cue or a theme term."""

    kind: str = Field(description="hedge, forward_looking, non_answer or theme")
    category: str = Field(description="hedge: epistemic/approximator/conditional; non_answer: refuse/unable/after_call; theme: its id")
    cue: str
    turn: int
    sentence: int
    start: int
    end: int


class Guidance(Model):
    """A forward-looking figure management gave, as a record for a model."""

    metric: str
    segment: str | None = None
    period: str | None = None
    low: float | None = None
    high: float | None = None
    point: float | None = None
    unit: str
    basis: str | None = None
    qualifier: str | None = None
    speaker: str
    turn: int
    sentence: str
    start: int = Field(description="offset of the figure's words in Call.text")
    end: int


class GroupMetrics(Model):
    """Tone, hedging, numbers and readability of the call, a section or a speaker (operator excluded)."""

    scope: str = Field(description="call, section or speaker")
    key: str = Field(description="'call', the section kind, or the speaker's name")
    role: Role | None = None
    turns: int
    sentences: int
    words: int
    size: int = Field(description="the unit densities are per: words (English) or CJK characters (Chinese)")
    positive: int
    negative: int
    uncertainty: int
    net_tone: float | None = Field(description="(positive - negative) / (positive + negative)")
    hedges: dict[str, int]
    hedge_density: float = Field(description="hedges per 1,000 words (per 1,000 characters in Chinese)")
    forward_looking: int
    forward_looking_density: float
    uncertainty_density: float
    numbers: int
    numeric_share: float | None = Field(description="numeric tokens / words")
    specific_number_share: float | None = Field(description="numbers with decimals or not round / all numbers")
    themes: dict[str, float] = Field(description="theme id -> share of sentences that mention it")
    readability: dict[str, float]


class CallMetrics(Model):
    """The call's metrics, overall, per section and per speaker."""

    language: str
    density_unit: str
    call: GroupMetrics
    sections: list[GroupMetrics]
    speakers: list[GroupMetrics]
    questions: int
    non_answers: int
    non_answer_rate: float | None


class Call(Model):
    """A parsed earnings call."""

    id: str
    company: str | None = None
    ticker: str | None = None
    fiscal_period: str | None = None
    call_date: date | None = None
    language: str
    source: SourceInfo
    content_hash: str
    text: str = Field(description="the normalised transcript text all offsets point into")
    participants: list[Participant] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    turns: list[Turn] = Field(default_factory=list)
    qa_pairs: list[QAPair] = Field(default_factory=list)
    sentences: list[Sentence] = Field(default_factory=list)
    guidance: list[Guidance] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)
    metrics: CallMetrics | None = None


class SkippedArticle(Model):
    """An article of a feed dump that is not a full transcript, and why."""

    source: SourceInfo
    reason: str
