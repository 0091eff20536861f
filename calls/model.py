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


class SkippedArticle(Model):
    """An article of a feed dump that is not a full transcript, and why."""

    source: SourceInfo
    reason: str
