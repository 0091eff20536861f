"""Question-and-answer pairs: each analyst question with every answer until the next question."""

from __future__ import annotations

import re

from calls.model import QAPair, Role, Turn

_QUESTION_MARK = re.compile(r"[?？]")
_ASKING_START = re.compile(
    r"^\s*(?:what|how|why|when|where|which|who|can|could|would|will|is|are|do|does|did|should|any|and|so|just|请问|能否|能不能|可否|是否|那么|如何|怎么|为什么)\b",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def is_question(text: str) -> bool:
    """A turn that asks something; a short `Thanks.` / `谢谢。` is an acknowledgement, not a question."""
    if _QUESTION_MARK.search(text):
        return True
    if _ASKING_START.search(text):
        return True
    cjk = len(_CJK.findall(text))
    if cjk:
        return cjk > 25
    return len(text.split()) > 12


def pair_questions(turns: list[Turn], firms: dict[str, str | None]) -> list[QAPair]:
    """Group the Q&A turns into pairs and number the analyst slots (exchanges)."""
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
            if turn.speaker not in current.answered_by:
                current.answered_by.append(turn.speaker)
    return pairs
