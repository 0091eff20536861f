"""Decoding bytes and normalising text: the one place every reader goes through."""

from __future__ import annotations

import codecs
import re
import unicodedata

from calls.errors import InputError

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]

# Magic numbers of formats that are never transcripts in text form.
_BINARY_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
]


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format `data` starts with, or None."""
    for magic, name in _BINARY_MAGIC:
        if data.startswith(magic):
            return name
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    # ASCII-heavy UTF-16 has a NUL in every other byte; the side tells the byte order.
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Decode transcript bytes; return (text, encoding).

    Tries, in order: a byte-order mark, UTF-16 without BOM, strict UTF-8,
    GB18030 (a superset of GBK and GB2312, common for Chinese files), then
    charset-normalizer's best guess. Raises InputError for binary data.
    """
    if not data.strip():
        raise InputError(path, "the file is empty")
    binary = sniff_binary(data)
    if binary:
        raise InputError(path, f"this is {binary}, not a transcript")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise InputError(path, f"the file starts with a {encoding} byte-order mark but is not valid {encoding}: {exc.reason}") from None
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if utf8_error.reason == "unexpected end of data" and utf8_error.start >= len(data) - 4:
        # A file cut off inside its last character: keep everything before it.
        return data[: utf8_error.start].decode("utf-8"), "utf-8 (truncated)"
    mixed = _mixed_lines(data)
    if mixed is not None:
        return mixed, "utf-8 + gb18030"
    try:
        text = data.decode("gb18030")
        if _looks_like_text(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is not None and best.encoding:
        text = data.decode(best.encoding, errors="replace")
        if _looks_like_text(text):
            return text, best.encoding
    raise InputError(path, f"cannot decode the text (not UTF-8, UTF-16 or GB18030; invalid byte at {utf8_error.start})")


def _mixed_lines(data: bytes) -> str | None:
    """Files pasted together from UTF-8 and GB18030 parts: decode line by line when most lines are UTF-8."""
    lines = data.split(b"\n")
    decoded, fallbacks = [], 0
    for line in lines:
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                decoded.append(line.decode("gb18030"))
            except UnicodeDecodeError:
                return None
            fallbacks += 1
    if not fallbacks or fallbacks > len(lines) / 2:
        return None
    return "\n".join(decoded)


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") and ch not in "\n\r\t\f")
    return bad / len(sample) < 0.02


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u200b\u200e\u200f\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")


def normalise_text(text: str) -> str:
    """The normalised form all offsets point into.

    Unicode NFC, newlines as `\\n` (form feeds become line breaks), control
    characters and zero-width marks dropped, trailing spaces removed, at most
    one blank line in a row, no leading or trailing blank lines. Full-width
    punctuation is kept as written: Chinese transcripts use both forms.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub("", text)
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip("\n")


def detect_language(text: str) -> str:
    """`zh` when CJK ideographs are 30% or more of the letters (Chinese transcripts keep Latin names), else `en`."""
    sample = text[:200_000]
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf")
    latin = sum(1 for ch in sample if ch.isascii() and ch.isalpha())
    return "zh" if cjk and cjk >= 0.3 * (cjk + latin) else "en"
