"""Small transcripts of each hard case, parsed end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from calls.model import Call, Document, Role, SectionKind, SourceInfo
from calls.pipeline import Overrides, parse_document, parse_file
from calls.segment.roster import introductions


def _parse(text: str, **fields: str) -> Call:
    return parse_document(Document(text=text, source=SourceInfo(path="mem.txt", kind="text"), language="en", **fields))


def _slots(call: Call) -> list[tuple[str, str | None]]:
    seen: list[tuple[str, str | None]] = []
    for pair in call.qa_pairs:
        if pair.exchange > len(seen):
            seen.append((pair.analyst, pair.firm))
    return seen


@pytest.mark.parametrize(
    ("sentence", "name", "firm"),
    [
        ("Our next question comes from the line of Stacy Rasgon with Sanford C. Bernstein. Please go ahead.", "Stacy Rasgon", "Bernstein"),
        ("Your first question comes from Tim Arcuri with UBS. Your line is open.", "Tim Arcuri", "UBS"),
        ("The next question is from Joe Quatrochi of Wells Fargo.", "Joe Quatrochi", "Wells Fargo"),
        ("We'll go to C.J. Muse with Cantor Fitzgerald.", "C.J. Muse", "Cantor Fitzgerald"),
        ("Our next question comes from Harlan Sur from J.P. Morgan. Harlan, please go ahead.", "Harlan Sur", "JPMorgan"),
        ("下一个问题来自Evercore乐队的MarkMahaney,请提问。", "Mark Mahaney", "Evercore ISI"),
        ("下一个问题来自伯恩斯坦研究公司的马克·莫德勒 (Mark Moerdler)。请讲。", "Mark Moerdler", "Bernstein"),
        ("您的第一个问题来自摩根士丹利的Brian Nowak。请提问。", "Brian Nowak", "Morgan Stanley"),
    ],
)
def test_operator_introductions(sentence: str, name: str, firm: str) -> None:
    [intro] = introductions(sentence)
    assert (intro.name, intro.firm) == (name, firm)


UNNAMED = """Operator: Welcome to the Acme Corp fourth quarter 2025 earnings call.
Jane Roe: Thanks. Revenue grew 10% and we expect more next year.
Operator: We will now begin the question-and-answer session. Our first question comes from Sam Ortiz with JPMorgan.
Q1: Thanks for taking the question. How should we think about margins next year?
Jane Roe: Margins should expand modestly.
Operator: Our next question comes from Olivia Brandt with Jefferies.
Q2: Olivia Brandt: What about pricing in Europe, and how durable is it?
Jane Roe: Pricing held up well. John, anything to add?
John Doe: And I would add that Europe is our fastest-growing region.
Q2: Olivia Brandt: Thanks.
"""


def test_unnamed_numbered_question_takes_the_introduced_analyst() -> None:
    call = _parse(UNNAMED)
    assert _slots(call) == [("Sam Ortiz", "JPMorgan"), ("Olivia Brandt", "Jefferies")]
    assert call.qa_pairs[1].answered_by == ["Jane Roe", "John Doe"]
    assert [t.role for t in call.turns[:2]] == [Role.operator, Role.executive]


def test_a_sentence_with_a_colon_never_starts_a_turn() -> None:
    text = """Operator: Welcome. I will hand over to Ann Lee, Chief Financial Officer.
Ann Lee: Thank you. Our priorities this year are threefold:
Growth: we keep investing.
Note: all figures are non-GAAP.
Margins: we expect 40%.
The replay is available after 5:00 p.m. Eastern.
Operator: Our first question comes from Rebecca Stone with Morgan Stanley.
Rebecca Stone: What drives the margin outlook?
Ann Lee: Mix, mostly.
"""
    call = _parse(text)
    assert [t.speaker for t in call.turns] == ["Operator", "Ann Lee", "Operator", "Rebecca Stone", "Ann Lee"]
    assert "Margins: we expect 40%." in call.turns[1].text
    assert call.participants[1].title == "Chief Financial Officer"


def test_prepared_remarks_only() -> None:
    call = _parse("Operator: Welcome to the Acme update.\nJane Roe: Revenue grew.\nJohn Doe: Costs fell.\nOperator: That concludes the call.")
    assert [s.kind for s in call.sections] == [SectionKind.prepared_remarks]
    assert call.qa_pairs == []


def test_questions_without_prepared_remarks() -> None:
    text = "Participants\nJane Roe - CEO\n\nQuestion-and-Answer Session\n\nOperator\nOur first question comes from Wei Zhang with Citi.\n\nWei Zhang\nWhat is the outlook?\n\nJane Roe\nSteady.\n"
    call = _parse(text)
    assert [s.kind for s in call.sections] == [SectionKind.preamble, SectionKind.qa]
    assert _slots(call) == [("Wei Zhang", "Citi")]


SEEKING_ALPHA = """Acme Corp (ACME) Q2 2025 Earnings Call Transcript

Company Participants

Jane Roe - Chief Executive Officer
Ann Lee - Chief Financial Officer

Conference Call Participants

Timothy Harlow - UBS - Analyst

Operator

Good day and welcome.

Jane Roe

Thank you. We grew.

Question-and-Answer Session

Operator

Our first question comes from Tim Harlow with UBS.

Tim Harlow

Can you talk about pricing?

Ann Lee

Sure, Tim. Pricing was stable.
"""


def test_participant_lists_give_roles_and_join_nicknames() -> None:
    call = _parse(SEEKING_ALPHA)
    people = {p.name: p for p in call.participants}
    assert people["Tim Harlow"].role == Role.analyst and people["Tim Harlow"].firm == "UBS"
    assert "Timothy Harlow" in people["Tim Harlow"].aliases
    assert people["Ann Lee"].role == Role.executive and people["Ann Lee"].title == "Chief Financial Officer"
    assert [t.speaker for t in call.turns] == ["Operator", "Jane Roe", "Operator", "Tim Harlow", "Ann Lee"]


def test_html_docx_and_pdf_parse_end_to_end(tmp_path: Path) -> None:
    html = "<html><head><title>Acme call</title><script>alert(1)</script></head><body>" + "".join(
        f"<p>{line}</p>" for line in SEEKING_ALPHA.splitlines() if line
    ) + "</body></html>"
    (tmp_path / "call.html").write_text(html, encoding="utf-8")
    from docx import Document as Docx

    docx = Docx()
    for line in SEEKING_ALPHA.splitlines():
        if line:
            docx.add_paragraph(line)
    docx.save(tmp_path / "call.docx")
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in SEEKING_ALPHA.splitlines():
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "call.pdf"))
    overrides = Overrides(company="Acme Corp", ticker="ACME", fiscal_period="Q2 2025")
    for name in ("call.html", "call.docx", "call.pdf"):
        [call], _ = parse_file(tmp_path / name, overrides)
        assert call.id == "ACME-2025Q2", name
        assert [t.speaker for t in call.turns] == ["Operator", "Jane Roe", "Operator", "Tim Harlow", "Ann Lee"], name
        assert "alert" not in call.text
