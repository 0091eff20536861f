"""Question-and-answer pairs: each analyst question with every answer until the next question."""

from __future__ import annotations

import re
from functools import cache

from calls.model import QAPair, Role, Turn
from calls.rules import any_of, format_rules

_QUESTION_MARK = re.compile(r"[?？]")
_ASKING_START = re.compile(
    r"^\s*(?:what|how|why|when|where|which|who|can|could|would|will|is|are|do|does|did|should|any|and|so|just|请问|能否|能不能|可否|是否|那么|如何|怎么|为什么)\b",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_THANKS = re.compile(r"thank|appreciate|谢|感谢", re.IGNORECASE)


def _is_short(text: str, words: int, characters: int) -> bool:
    cjk = len(_CJK.findall(text))
    return cjk <= characters if cjk else len(text.split()) <= words


def is_question(text: str) -> bool:
    """A turn that asks something; a short `Thanks.` / `谢谢。` is an acknowledgement, not a question."""
    if _QUESTION_MARK.search(text) or _ASKING_START.search(text):
        return True
    return not _is_short(text, words=12, characters=25)


def is_thanks(text: str) -> bool:
    """A short thank-you or hand-over (`Thanks, Tim.`, `谢谢,Keith。操作员,请下一位。`) that answers nothing."""
    return not _QUESTION_MARK.search(text) and bool(_THANKS.search(text)) and _is_short(text, words=8, characters=20)


@cache
def _closing() -> re.Pattern[str]:
    return any_of(format_rules().call_closing)


def answers_nothing(text: str) -> bool:
    """A company turn that only thanks, hands over or closes the call."""
    return is_thanks(text) or bool(_closing().search(text)) and _is_short(text, words=60, characters=120)


def pair_questions(turns: list[Turn], firms: dict[str, str | None]) -> list[QAPair]:
    """Group the Q&A turns into pairs and number the analyst slots (exchanges).

    A pair holds an analyst's question turn(s) and every company turn after it
    until the analyst's next question, the next analyst or the operator;
    `answered_by` leaves out speakers who only say thanks or close the call.
    """
    pairs: list[QAPair] = []
    current: QAPair | None = None
    exchange = 0
    slot_analyst: str | None = None
    for turn in turns:
        if turn.section != "qa":
            continue
        if turn.role == Role.operator:
            current = None
            continue
        if turn.role == Role.analyst:
            if turn.speaker != slot_analyst:
                exchange += 1
                slot_analyst = turn.speaker
                current = None
            if not is_question(turn.text):
                continue
            if current is not None and current.analyst == turn.speaker and not current.answer_turns:
                current.question_turns.append(turn.index)
                continue
            current = QAPair(
                index=len(pairs) + 1,
                exchange=exchange,
                analyst=turn.speaker,
                firm=firms.get(turn.speaker),
                question_turns=[turn.index],
                answer_turns=[],
                answered_by=[],
            )
            pairs.append(current)
            continue
        if current is not None:
            current.answer_turns.append(turn.index)
            if turn.speaker not in current.answered_by and not answers_nothing(turn.text):
                current.answered_by.append(turn.speaker)
    return pairs
