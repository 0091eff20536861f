"""Tests for the HTML, PDF, DOCX and JSON readers; every fixture is built in tmp_path."""

from __future__ import annotations

import io
import json
import random
import time
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from calls.errors import InputError
from calls.ingest.docx import read_docx
from calls.ingest.html import read_html
from calls.ingest.jsonapi import read_json
from calls.ingest.pdf import read_pdf
from calls.ingest.text import normalise_text
from calls.model import Document


def _reason(reader, data: bytes, path: str = "input") -> str:
    """The InputError reason a reader gives for `data`."""
    with pytest.raises(InputError) as info:
        reader(data, path)
    assert info.value.path == path
    return info.value.reason


def _only(documents: list[Document]) -> Document:
    assert len(documents) == 1
    return documents[0]


# ---------------------------------------------------------------- HTML


PAGE = """<!DOCTYPE html>
<html><head>
<title>ACME &amp; Co. Q3 2024
  Earnings Call</title>
<meta property="og:url" content="https://example.com/acme-q3">
<link rel="canonical" href="https://example.com/canonical">
<style>p { color: red; }</style>
<script>var s = "<p>not text</p>";</script>
</head>
<body>
<noscript>Enable JavaScript</noscript>
<template><p>hidden</p></template>
<svg><title>icon</title><text>svg text</text></svg>
<article>
  <h1>ACME   Q3 2024 <em>Earnings</em> Call</h1>
  <div><p><strong>John Smith</strong> &mdash; Chief Executive Officer</p>
  <p>Revenue grew 12% &amp; margins&nbsp;rose.<br>Next line.</p></div>
  <ul><li>First</li><li>Second</li></ul>
  <table><tr><td>Q3</td><td>$5m</td></tr><tr><td>Q2</td><td>$4m</td></tr></table>
  <pre>  kept   as
    written</pre>
  <p>caf&eacute; &#8220;quoted&#8221; &lt;tag&gt;</p>
</article>
</body></html>
"""


def test_html_text_title_and_url() -> None:
    doc = _only(read_html(PAGE.encode(), "call.html"))
    assert doc.text == (
        "ACME Q3 2024 Earnings Call\n\n"
        "John Smith — Chief Executive Officer\n\n"
        "Revenue grew 12% & margins\u00a0rose.\nNext line.\n\n"
        "First\nSecond\n\n"
        "Q3 $5m\nQ2 $4m\n\n"
        "  kept   as\n    written\n\n"
        "café “quoted” <tag>"
    )
    assert doc.source.kind == "html"
    assert doc.source.path == "call.html"
    assert doc.source.encoding == "utf-8"
    assert doc.source.title == "ACME & Co. Q3 2024 Earnings Call"
    assert doc.source.url == "https://example.com/acme-q3"
    assert doc.language == "en"
    assert normalise_text(doc.text) == doc.text


def test_html_canonical_link_when_no_og_url() -> None:
    page = b'<html><head><link rel="canonical" href="https://example.com/c"></head><body><p>Hi</p></body></html>'
    assert _only(read_html(page, "p.html")).source.url == "https://example.com/c"


def test_html_two_br_make_a_blank_line_and_self_closing_br_one_break() -> None:
    assert _only(read_html(b"<p>a<br/>b<br><br>c</p>", "p.html")).text == "a\nb\n\nc"


def test_html_unclosed_head_does_not_swallow_the_body() -> None:
    doc = _only(read_html(b"<head><title>T</title><p>Body text", "p.html"))
    assert doc.text == "Body text"
    assert doc.source.title == "T"


def test_html_chinese_language() -> None:
    page = "<html><body><p>各位投资者，大家好。欢迎参加本公司2024年第三季度业绩电话会议。</p></body></html>"
    assert _only(read_html(page.encode("utf-8"), "zh.html")).language == "zh"


def test_html_declared_charset_beats_a_gb18030_guess() -> None:
    # These cp1252 bytes also decode as (wrong) GB18030 text; the page's <meta charset> settles it.
    page = '<meta charset="windows-1252"><p>Señor Müller über Öl</p>'.encode("cp1252")
    doc = _only(read_html(page, "p.html"))
    assert doc.text == "Señor Müller über Öl"
    assert doc.source.encoding == "windows-1252"


def test_html_deeply_nested_is_fast() -> None:
    page = ("<div>" * 10_000 + "deep text" + "</div>" * 10_000).encode()
    started = time.perf_counter()
    doc = _only(read_html(page, "deep.html"))
    assert time.perf_counter() - started < 2
    assert doc.text == "deep text"


def test_html_deeply_nested_unclosed_is_fast() -> None:
    page = ("<div><span>" * 10_000 + "deep").encode()
    started = time.perf_counter()
    assert _only(read_html(page, "deep.html")).text == "deep"
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    "page",
    [
        b"<html><head><title>Only a title</title></head><body></body></html>",
        b"<script>alert(1)</script><style>p{}</style>",
        b"<div> &nbsp; </div>",
    ],
)
def test_html_without_text(page: bytes) -> None:
    assert _reason(read_html, page) == "the HTML page has no text"


def test_html_empty_and_binary_files() -> None:
    assert _reason(read_html, b"") == "the file is empty"
    assert "PNG image" in _reason(read_html, b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)


# ---------------------------------------------------------------- PDF


class _TranscriptPDF(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", size=10)
        self.cell(0, 10, "ACME Corp Q3 2024 Earnings Call", new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=10)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")


PDF_PAGES = [
    ["Operator", "Good morning and welcome."],
    ["John Smith", "Revenue grew 12% this quarter.", "ACME Corp Q3 2024 Earnings Call"],
    ["Jane Doe", "Thank you, John."],
]


def _text_pdf(tmp_path: Path) -> Path:
    pdf = _TranscriptPDF()
    pdf.set_font("Helvetica", size=12)
    for lines in PDF_PAGES:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
        # Filler keeps the body line that repeats the header away from the page edges.
        for n in range(4):
            pdf.cell(0, 10, f"Body {pdf.page_no()}.{n}", new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "call.pdf"
    pdf.output(str(path))
    return path


def test_pdf_text_without_running_header_and_page_numbers(tmp_path: Path) -> None:
    path = _text_pdf(tmp_path)
    doc = _only(read_pdf(path.read_bytes(), str(path)))
    filler = ["\n".join(f"Body {page}.{n}" for n in range(4)) for page in (1, 2, 3)]
    assert doc.text == (
        f"Operator\nGood morning and welcome.\n{filler[0]}\n"
        f"John Smith\nRevenue grew 12% this quarter.\nACME Corp Q3 2024 Earnings Call\n{filler[1]}\n"
        f"Jane Doe\nThank you, John.\n{filler[2]}"
    )
    assert doc.source.kind == "pdf"
    assert doc.source.encoding is None
    assert doc.language == "en"


def test_pdf_keeps_repeated_lines_with_fewer_than_three_pages(tmp_path: Path) -> None:
    pdf = _TranscriptPDF()
    pdf.set_font("Helvetica", size=12)
    for line in ("One", "Two"):
        pdf.add_page()
        pdf.cell(0, 10, line)
    doc = _only(read_pdf(bytes(pdf.output()), "two.pdf"))
    assert doc.text == "ACME Corp Q3 2024 Earnings Call\nOne\nACME Corp Q3 2024 Earnings Call\nTwo"


def _encrypted(tmp_path: Path, user_password: str, owner_password: str | None = None) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(_text_pdf(tmp_path)))
    writer.encrypt(user_password, owner_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_password_protected(tmp_path: Path) -> None:
    assert _reason(read_pdf, _encrypted(tmp_path, "secret")) == "the PDF is password-protected"


def test_pdf_encrypted_with_empty_user_password_is_read(tmp_path: Path) -> None:
    doc = _only(read_pdf(_encrypted(tmp_path, "", "owner-secret"), "enc.pdf"))
    assert doc.text.startswith("Operator\nGood morning and welcome.")


def test_pdf_without_text_layer() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    reason = _reason(read_pdf, bytes(pdf.output()))
    assert reason == "the PDF has no text layer (a scan?); run OCR first"


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        (b"%PDF-1.4\ngarbage that is no PDF", "the PDF is damaged: "),
        (b"just some text", "the PDF is damaged: no PDF header"),
        (b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF", "the PDF is damaged: "),
    ],
)
def test_pdf_damaged(data: bytes, phrase: str) -> None:
    reason = _reason(read_pdf, data)
    assert reason.startswith(phrase)
    assert "\n" not in reason


def test_pdf_truncated(tmp_path: Path) -> None:
    data = _text_pdf(tmp_path).read_bytes()
    assert _reason(read_pdf, data[: len(data) // 3]).startswith("the PDF is damaged: ")


def test_pdf_empty_file() -> None:
    assert _reason(read_pdf, b"") == "the file is empty"


# ---------------------------------------------------------------- DOCX


def test_docx_paragraphs_and_table_in_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "ACME Q3 2024 Earnings Call"
    document.add_paragraph("Operator")
    document.add_paragraph("Good  morning.\n")
    document.add_paragraph("")
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, [["Metric", "Q3", "Q2"], ["Revenue", "$5m", "$4m"]]):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "Merged"
    merged.cell(0, 2).text = "Right"
    document.add_paragraph("John Smith")
    path = tmp_path / "call.docx"
    document.save(str(path))

    doc = _only(read_docx(path.read_bytes(), str(path)))
    assert doc.text == (
        "Operator\n\nGood  morning.\n\nMetric Q3 Q2\n\nRevenue $5m $4m\n\nMerged Right\n\nJohn Smith"
    )
    assert doc.source.kind == "docx"
    assert doc.source.title == "ACME Q3 2024 Earnings Call"
    assert doc.language == "en"


def test_docx_without_title(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Text")
    path = tmp_path / "t.docx"
    document.save(str(path))
    assert _only(read_docx(path.read_bytes(), str(path))).source.title is None


def test_docx_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(random.Random(7).randbytes(4096))
    assert _reason(read_docx, path.read_bytes(), str(path)) == "the DOCX file is damaged or not a Word document"


def test_docx_zip_that_is_not_word() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert _reason(read_docx, out.getvalue()) == "the DOCX file is damaged or not a Word document"


def test_docx_without_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    assert _reason(read_docx, path.read_bytes()) == "the DOCX file has no text"


# ---------------------------------------------------------------- JSON


def _check_spans(doc: Document, texts: list[str]) -> None:
    """Every span delimits exactly its normalised segment text, right after its label line."""
    assert doc.segments is not None
    assert [doc.text[span.start : span.end] for span in doc.segments] == texts
    for span in doc.segments:
        assert doc.text[: span.start].endswith(span.speaker + "\n")
    assert normalise_text(doc.text) == doc.text


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


SEGMENTS = [
    {"speaker": "Operator", "text": "Good morning.\n\n\n\nWelcome to the call.  "},
    {"name": "John Smith", "content": ["First paragraph.", "Second paragraph."], "role": "executive", "title": "CEO"},
    {"speaker_name": "Jane Doe", "speech": "", "type": "analyst"},
    {"speakerName": "  Jane\n Doe ", "paragraph": "A question?", "speakerType": "analyst", "firm": "Big Bank"},
    {"speaker": "Operator", "body": None},
    {"speaker": "John Smith", "text": "An answer.", "speaker_type": "executive", "speaker_title": "CEO", "affiliation": "ACME"},
]


def test_json_list_of_segments() -> None:
    doc = _only(read_json(_json(SEGMENTS), "call.json"))
    assert doc.text == (
        "Operator\nGood morning.\n\nWelcome to the call.\n\n"
        "John Smith\nFirst paragraph.\n\nSecond paragraph.\n\n"
        "Jane Doe\nA question?\n\n"
        "John Smith\nAn answer."
    )
    _check_spans(doc, ["Good morning.\n\nWelcome to the call.", "First paragraph.\n\nSecond paragraph.", "A question?", "An answer."])
    assert [(s.speaker, s.role, s.title, s.firm) for s in doc.segments or []] == [
        ("Operator", None, None, None),
        ("John Smith", "executive", "CEO", None),
        ("Jane Doe", "analyst", None, "Big Bank"),
        ("John Smith", "executive", "CEO", "ACME"),
    ]
    assert doc.source.kind == "json"
    assert doc.source.encoding == "utf-8"
    assert doc.language == "en"
    assert (doc.company, doc.ticker, doc.fiscal_period, doc.call_date) == (None, None, None, None)


@pytest.mark.parametrize("key", ["segments", "transcript", "turns", "components", "paragraphs"])
def test_json_object_with_segment_list(key: str) -> None:
    call = {
        "company": "ACME Corp",
        "ticker": "ACME",
        "fiscal_period": "Q3 2024",
        "call_date": "2024-10-24",
        "title": "ACME Q3 2024 Earnings Call",
        "url": "https://example.com/acme",
        key: [{"speaker": "Operator", "text": "Welcome."}],
    }
    doc = _only(read_json(_json(call), "call.json"))
    assert doc.text == "Operator\nWelcome."
    _check_spans(doc, ["Welcome."])
    assert (doc.company, doc.ticker, doc.fiscal_period, doc.call_date) == ("ACME Corp", "ACME", "Q3 2024", date(2024, 10, 24))
    assert (doc.source.title, doc.source.url) == ("ACME Q3 2024 Earnings Call", "https://example.com/acme")


def test_json_metadata_aliases() -> None:
    call = {
        "company_name": "ACME Corp",
        "symbol": "ACME",
        "year": 2024,
        "quarter": 3,
        "date": "2024-10-24T21:30:00Z",
        "language": "zh-CN",
        "segments": [{"speaker": "Operator", "text": "Welcome."}],
    }
    doc = _only(read_json(_json(call), "call.json"))
    assert (doc.company, doc.ticker, doc.fiscal_period, doc.call_date) == ("ACME Corp", "ACME", "Q3 2024", date(2024, 10, 24))
    assert doc.language == "zh"


def test_json_period_alias_and_quarter_string() -> None:
    assert _only(read_json(_json({"period": "FY2024", "segments": SEGMENTS[:1]}), "c.json")).fiscal_period == "FY2024"
    call = {"year": "2023", "quarter": "q4", "segments": SEGMENTS[:1]}
    assert _only(read_json(_json(call), "c.json")).fiscal_period == "Q4 2023"


def test_json_chinese_segments_detect_language() -> None:
    segments = [{"speaker": "主持人", "text": "各位投资者，大家好，欢迎参加本次业绩说明会。"}]
    doc = _only(read_json(_json(segments), "zh.json"))
    assert doc.language == "zh"
    _check_spans(doc, ["各位投资者，大家好，欢迎参加本次业绩说明会。"])


def test_json_list_of_calls() -> None:
    calls = [
        {"ticker": "AAA", "segments": [{"speaker": "Operator", "text": "Call one."}]},
        {"ticker": "BBB", "turns": [{"speaker": "Operator", "text": "Call two."}, {"speaker": "CEO", "text": "Hi."}]},
    ]
    docs = read_json(_json(calls), "calls.json")
    assert [(d.ticker, d.text) for d in docs] == [("AAA", "Operator\nCall one."), ("BBB", "Operator\nCall two.\n\nCEO\nHi.")]
    _check_spans(docs[1], ["Call two.", "Hi."])


def test_json_utf16_with_bom() -> None:
    doc = _only(read_json(json.dumps(SEGMENTS[:1]).encode("utf-16"), "c.json"))
    assert doc.text == "Operator\nGood morning.\n\nWelcome to the call."
    assert doc.source.encoding == "utf-16"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'[{"speaker": "A", "text": "x"},]', "not valid JSON: Expecting value at line 1 column 32"),
        (b'{\n  "segments": [\n    {"speaker": "A" "text": "x"}\n  ]\n}', "not valid JSON: Expecting ',' delimiter at line 3 column 21"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON nested too deeply"),
        (b"[]", "the JSON list is empty: no segments"),
        (b'{"segments": []}', "the 'segments' list is empty"),
    ],
)
def test_json_errors(data: bytes, reason: str) -> None:
    assert _reason(read_json, data) == reason


WRONG_SHAPE = "JSON of the wrong shape: expected a list of {speaker, text} segments or an object with a 'segments' list"


@pytest.mark.parametrize(
    "value",
    [42, "text", None, {"speaker": "A", "text": "x"}, {"segments": "not a list"}, ["a", "b"], [{"segments": []}, {"x": 1}]],
)
def test_json_wrong_shape(value: object) -> None:
    assert _reason(read_json, _json(value)) == WRONG_SHAPE


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (
            [{"speaker": "A", "text": "x"}, {"text": "no speaker"}],
            "segment at index 1 has no speaker (expected one of: speaker, name, speaker_name, speakerName)",
        ),
        (
            {"segments": [{"speaker": "A", "text": "x"}, {"speaker": "B", "text": "y"}, {"speaker": "C"}]},
            "segment at index 2 has no text (expected one of: text, content, speech, paragraph, body)",
        ),
        ([{"speaker": " ", "text": "x"}], "segment at index 0 has no speaker (expected one of: speaker, name, speaker_name, speakerName)"),
        ([{"speaker": {"first": "A"}, "text": "x"}], "segment at index 0: 'speaker' must be a string"),
        ([{"speaker": "A", "text": 3}], "segment at index 0: 'text' must be a string or a list of strings"),
        ({"segments": [1]}, "segment at index 0 is not an object"),
        ([{"speaker": "A", "text": " "}, {"speaker": "B", "text": ""}], "every segment's text is empty"),
        (
            [{"segments": [{"speaker": "A", "text": "x"}]}, {"segments": [{"speaker": "B"}]}],
            "call at index 1: segment at index 0 has no text (expected one of: text, content, speech, paragraph, body)",
        ),
        ({"date": "24 Oct 2024", "segments": SEGMENTS[:1]}, "'date' is not an ISO date (YYYY-MM-DD): '24 Oct 2024'"),
        ({"ticker": ["A"], "segments": SEGMENTS[:1]}, "'ticker' must be a string"),
    ],
)
def test_json_segment_errors(value: object, reason: str) -> None:
    assert _reason(read_json, _json(value)) == reason


def test_json_empty_file() -> None:
    assert _reason(read_json, b"  \n") == "the file is empty"


def test_json_with_the_whole_transcript_as_one_string_is_segmented_from_its_text() -> None:
    payload = [
        {
            "symbol": "ACME",
            "year": 2025,
            "quarter": 2,
            "date": "2025-07-30 17:00:00",
            "content": "Operator: Welcome to the call.\nJane Roe: Thanks. Revenue grew.\nOperator: Our first question comes from Wei Zhang with Citi.\nWei Zhang: What is the outlook for margins next year?\nJane Roe: Steady.",
        }
    ]
    [doc] = read_json(json.dumps(payload).encode(), "fmp.json")
    assert doc.segments is None
    assert (doc.ticker, doc.fiscal_period, doc.call_date) == ("ACME", "Q2 2025", date(2025, 7, 30))
    assert doc.text.startswith("Operator: Welcome to the call.\nJane Roe:")
    from calls.pipeline import parse_document

    call = parse_document(doc)
    assert [t.speaker for t in call.turns] == ["Operator", "Jane Roe", "Operator", "Wei Zhang", "Jane Roe"]
    assert call.id == "ACME-2025Q2"
