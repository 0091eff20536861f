"""Reader for JSON from transcript APIs: speaker segments plus optional call metadata."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from calls.errors import InputError
from calls.ingest.text import decode_bytes, detect_language, normalise_text
from calls.model import Document, SourceInfo, SpeakerSpan

_LIST_KEYS = ("segments", "transcript", "turns", "components", "paragraphs")
_SPEAKER_KEYS = ("speaker", "name", "speaker_name", "speakerName")
_TEXT_KEYS = ("text", "content", "speech", "paragraph", "body")
_ROLE_KEYS = ("role", "speaker_type", "type", "speakerType")
_TITLE_KEYS = ("title", "speaker_title")
_FIRM_KEYS = ("firm", "company", "affiliation")
_LANGUAGES = {"en": "en", "eng": "en", "english": "en", "zh": "zh", "zho": "zh", "chi": "zh", "cmn": "zh", "chinese": "zh"}
_WRONG_SHAPE = "JSON of the wrong shape: expected a list of {speaker, text} segments or an object with a 'segments' list"

JsonObject = dict[str, Any]


def read_json(data: bytes, path: str) -> list[Document]:
    """Read transcript-API JSON: one Document per call, with the API's speaker turns as `segments`."""
    raw, encoding = decode_bytes(data, path)
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer longer than Python's digit limit
        raise InputError(path, f"not valid JSON: {exc}") from None
    calls = _split_calls(value, path)
    several = len(calls) > 1
    return [
        _document(call, segments, key, path, encoding, f"call at index {i}: " if several else "")
        for i, (call, segments, key) in enumerate(calls)
    ]


# Some APIs give the whole transcript as one string (`{"symbol", "year", "quarter", "content": "Operator: …"}`);
# its speaker lines are then found like those of a text file.
_FULL_TEXT_KEYS = ("content", "transcript", "text", "body")


def _segments_of(value: Any) -> tuple[list[Any] | str, str] | None:
    """The segment list (or full transcript string) of a call object and its key, or None if `value` is not one."""
    if isinstance(value, dict):
        for key in _LIST_KEYS:
            if isinstance(value.get(key), list):
                return value[key], key
        if not any(key in value for key in _SPEAKER_KEYS):
            for key in _FULL_TEXT_KEYS:
                if isinstance(value.get(key), str):
                    return value[key], key
    return None


def _split_calls(value: Any, path: str) -> list[tuple[JsonObject, list[Any] | str, str]]:
    """(metadata object, segments, list key) for each call in the JSON."""
    if isinstance(value, dict):
        found = _segments_of(value)
        if found is None:
            raise InputError(path, _WRONG_SHAPE)
        return [(value, *found)]
    if not isinstance(value, list):
        raise InputError(path, _WRONG_SHAPE)
    if not value:
        raise InputError(path, "the JSON list is empty: no segments")
    if not all(isinstance(item, dict) for item in value):
        raise InputError(path, _WRONG_SHAPE)
    first = value[0]
    if _segments_of(first) is None or any(key in first for key in _SPEAKER_KEYS):
        return [({}, value, "segments")]
    calls = []
    for item in value:
        found = _segments_of(item)
        if found is None:
            raise InputError(path, _WRONG_SHAPE)
        calls.append((item, *found))
    return calls


def _document(call: JsonObject, segments: list[Any] | str, key: str, path: str, encoding: str, where: str) -> Document:
    spans: list[SpeakerSpan] | None
    if isinstance(segments, str):
        text, spans = normalise_text(segments), None
        if not text:
            raise InputError(path, f"{where}the '{key}' text is empty")
    elif not segments:
        raise InputError(path, f"{where}the '{key}' list is empty")
    else:
        text, spans = _render(segments, path, where)
    language = _LANGUAGES.get(re.split(r"[-_ ]", str(call.get("language") or "").strip().lower())[0])
    source = SourceInfo(
        kind="json",
        path=path,
        encoding=encoding,
        title=_string(call, ("title",), path, where),
        url=_string(call, ("url",), path, where),
    )
    return Document(
        text=text,
        source=source,
        language=language or detect_language(text),
        company=_string(call, ("company", "company_name"), path, where),
        ticker=_string(call, ("ticker", "symbol"), path, where),
        fiscal_period=_fiscal_period(call, path, where),
        call_date=_call_date(call, path, where),
        segments=spans,
    )


def _render(segments: list[Any], path: str, where: str) -> tuple[str, list[SpeakerSpan]]:
    """Speaker label, newline, text per segment, a blank line between; spans point at each text."""
    pieces: list[str] = []
    spans: list[SpeakerSpan] = []
    offset = 0
    for index, segment in enumerate(segments):
        here = f"{where}segment at index {index}"
        if not isinstance(segment, dict):
            raise InputError(path, f"{here} is not an object")
        speaker = _string(segment, _SPEAKER_KEYS, path, here + ": ")
        if not speaker:
            raise InputError(path, f"{here} has no speaker (expected one of: {', '.join(_SPEAKER_KEYS)})")
        text = _segment_text(segment, path, here)
        if not text:
            continue
        if pieces:
            offset += 2  # the blank line between segments
        start = offset + len(speaker) + 1
        pieces.append(f"{speaker}\n{text}")
        spans.append(
            SpeakerSpan(
                speaker=speaker,
                role=_string(segment, _ROLE_KEYS, path, here + ": "),
                title=_string(segment, _TITLE_KEYS, path, here + ": "),
                firm=_string(segment, _FIRM_KEYS, path, here + ": "),
                start=start,
                end=start + len(text),
            )
        )
        offset = start + len(text)
    if not pieces:
        raise InputError(path, f"{where}every segment's text is empty")
    return "\n\n".join(pieces), spans


def _segment_text(segment: JsonObject, path: str, here: str) -> str:
    """The segment's normalised text ('' when empty); a missing text field is an error."""
    key = next((k for k in _TEXT_KEYS if k in segment), None)
    if key is None:
        raise InputError(path, f"{here} has no text (expected one of: {', '.join(_TEXT_KEYS)})")
    value = segment[key]
    if isinstance(value, list) and all(isinstance(item, str) or item is None for item in value):
        value = "\n\n".join(item for item in value if item)
    elif value is not None and not isinstance(value, str):
        raise InputError(path, f"{here}: '{key}' must be a string or a list of strings")
    # Normalising each piece before assembly keeps the offsets exact in the final text.
    return normalise_text(value or "").strip()


def _string(obj: JsonObject, keys: tuple[str, ...], path: str, where: str) -> str | None:
    """The first of `keys` present in `obj` as a one-line string; numbers are accepted, other types are errors."""
    key = next((k for k in keys if obj.get(k) is not None), None)
    if key is None:
        return None
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(path, f"{where}'{key}' must be a string")
    return " ".join(normalise_text(str(value)).split()) or None


def _fiscal_period(call: JsonObject, path: str, where: str) -> str | None:
    period = _string(call, ("fiscal_period", "period"), path, where)
    year = _string(call, ("year",), path, where)
    quarter = _string(call, ("quarter",), path, where)
    if period or not (year and quarter):
        return period
    return f"Q{quarter.upper().removeprefix('Q')} {year}"


def _call_date(call: JsonObject, path: str, where: str) -> date | None:
    key = next((k for k in ("call_date", "date") if call.get(k) is not None), None)
    if key is None:
        return None
    value = call[key]
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            pass
    raise InputError(path, f"{where}'{key}' is not an ISO date (YYYY-MM-DD): {str(value)[:40]!r}")
