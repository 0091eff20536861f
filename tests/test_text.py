"""Decoding (UTF-8 with or without BOM, UTF-16, GB18030), normalisation and language detection."""

from __future__ import annotations

import codecs

import pytest

from calls.errors import InputError
from calls.ingest.text import decode_bytes, detect_language, normalise_text

SAMPLE = "主持人:下一个问题来自瑞银集团的Tim Arcuri。\nTim Arcuri:谢谢。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        (SAMPLE.encode("gbk"), "gb18030"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "gb18030", "gbk"],
)
def test_encodings_decode_to_the_same_text(data: bytes, encoding: str) -> None:
    assert decode_bytes(data, "x.txt") == (SAMPLE, encoding)


def test_utf16_without_bom_is_recognised() -> None:
    text = "Operator: Good afternoon.\nTim Archer: Thank you."
    assert decode_bytes(text.encode("utf-16-le"), "x.txt") == (text, "utf-16-le")
    assert decode_bytes(text.encode("utf-16-be"), "x.txt") == (text, "utf-16-be")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"  \n\t \n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "this is a PNG image, not a transcript"),
        (b"PK\x03\x04" + bytes(64), "this is a ZIP archive, not a transcript"),
    ],
)
def test_unreadable_bytes_are_refused_in_one_line(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        decode_bytes(data, "bad.txt")
    assert str(caught.value) == f"bad.txt: {reason}"


def test_normalise_keeps_one_form_for_offsets() -> None:
    raw = "\ufeffTitle  \r\n\r\n\r\n\r\nOperator:\tHello\x00 there\f\nNext\u200b line\r"
    # A form feed is a page break: a line break of its own.
    assert normalise_text(raw) == "Title\n\nOperator:\tHello there\n\nNext line"
    assert normalise_text(normalise_text(raw)) == normalise_text(raw)


def test_full_width_punctuation_is_kept() -> None:
    assert normalise_text("苏珊·李,首席财务官:好的") == "苏珊·李,首席财务官:好的"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Thank you, operator, and good afternoon everyone.", "en"),
        ("谢谢,大家下午好。欢迎参加泛林研究公司季度财报电话会议。", "zh"),
        ("Tim Arcuri:非常感谢。Doug,我有一个关于今年晶圆厂设备(WFE)的问题。", "zh"),
        ("Revenue was $5.3 billion, up 22% (营收).", "en"),
    ],
)
def test_language_detection(text: str, language: str) -> None:
    assert detect_language(text) == language
