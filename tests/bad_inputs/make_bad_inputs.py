"""The bad-input corpus: every kind of broken or hostile file, with the outcome each must get.

Usage: python tests/bad_inputs/make_bad_inputs.py OUT_DIR

The files are generated (some are large), always the same bytes. `EXPECTED`
says for each what `calls parse` must do: `parsed` (exit 0; at least this many
turns recovered) or `refused` (exit 1; one `error: PATH: reason` line containing
this text). Nothing may print a traceback or run longer than the test allows.
"""

from __future__ import annotations

import io
import json
import random
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "transcripts" / "northwind_fy2026q2.txt"
CHINESE = ROOT / "transcripts" / "lam_research_fy2026q2.txt"

# name -> ("parsed", minimum turns) or ("refused", words of the reason)
EXPECTED: dict[str, tuple[str, int | str]] = {
    "empty.txt": ("refused", "the file is empty"),
    "whitespace_only.txt": ("refused", "the file is empty"),
    "png_image.txt": ("refused", "this is a PNG image, not a transcript"),
    "zip_archive.txt": ("refused", "this is a ZIP archive, not a transcript"),
    "truncated_utf8.txt": ("parsed", 30),
    "utf16_without_bom.txt": ("parsed", 30),
    "gb18030.txt": ("parsed", 90),
    "mixed_encodings.txt": ("parsed", 30),
    "text_50mb.txt": ("refused", "no speaker turns found"),
    "single_line_5mb.txt": ("refused", "no speaker turns found"),
    "colons_200k.txt": ("refused", "no speaker turns found"),
    "speaker_lines_100k.txt": ("refused", "no speaker turns found"),
    "no_qa.txt": ("parsed", 3),
    "qa_without_prepared_remarks.txt": ("parsed", 4),
    "operator_only.txt": ("parsed", 1),
    "nasty.html": ("parsed", 30),
    "no_text_layer.pdf": ("refused", "the PDF has no text layer"),
    "password.pdf": ("refused", "the PDF is password-protected"),
    "corrupt.docx": ("refused", "the DOCX file is damaged or not a Word document"),
    "wrong_shape.json": ("refused", "JSON of the wrong shape"),
    "deeply_nested.json": ("refused", "nested too deeply"),
    "feed_without_transcript.txt": ("refused", "the feed holds 2 articles but no full transcript"),
    "emoji_and_rtl_names.txt": ("parsed", 4),
    "windows_line_endings.txt": ("parsed", 30),
    "form_feeds_and_nul_bytes.txt": ("parsed", 30),
}


def _sample_body(path: Path = SAMPLE) -> str:
    return path.read_text(encoding="utf-8").split("---", 2)[2]


def make_all(out: Path) -> dict[str, Path]:
    """Write every bad input into `out`; returns name -> path."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(3127)
    body = _sample_body()
    chinese = _sample_body(CHINESE)
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "whitespace_only.txt": b" \n\t\n   \r\n",
        "png_image.txt": b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(2048)),
        "truncated_utf8.txt": (body + "谢谢").encode("utf-8")[:-1],
        "utf16_without_bom.txt": body.encode("utf-16-le"),
        "gb18030.txt": chinese.encode("gb18030"),
        "mixed_encodings.txt": body.encode("utf-8") + "\n主持人:谢谢大家。会议现在结束。\n".encode("gb18030"),
        "single_line_5mb.txt": ("word " * 1_000_000).encode(),
        "colons_200k.txt": b":" * 200_000,
        "speaker_lines_100k.txt": "".join(f"Person {_name(i)}: ok\n" for i in range(100_000)).encode(),
        "no_qa.txt": b"Operator: Welcome to the Acme call.\nJane Roe: Revenue grew 10% and we expect more.\nJohn Doe: Costs fell.\nOperator: That concludes the call.\n",
        "qa_without_prepared_remarks.txt": (
            b"Question-and-Answer Session\n\nOperator: Our first question comes from Wei Zhang with Citi.\n"
            b"Wei Zhang: What is the outlook for next year?\nJane Roe: Steady growth.\nWei Zhang: And margins, how do you see them?\n"
            b"Jane Roe: Stable.\n"
        ),
        "operator_only.txt": b"Operator: Good afternoon and welcome. The call will begin shortly.\n",
        "nasty.html": _nasty_html(body).encode(),
        "no_text_layer.pdf": _pdf(text=None),
        "password.pdf": _pdf(text="Operator: hello", password="secret"),
        "corrupt.docx": b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(4096)),
        "wrong_shape.json": json.dumps({"data": {"items": [1, 2, 3]}}).encode(),
        "deeply_nested.json": ("[" * 100_000 + "]" * 100_000).encode(),
        "feed_without_transcript.txt": (
            "<![CDATA[ 新闻一 ]]> https://example.com/1 今天市场上涨。\n\n更多新闻。\n]]>\n来源 Thu, 29 Jan 2026 10:00:00 +0800\n"
            "<![CDATA[ 新闻二 ]]> https://example.com/2 黄金价格创新高。\n]]>\n来源 Thu, 29 Jan 2026 11:00:00 +0800\n"
        ).encode(),
        "emoji_and_rtl_names.txt": (
            "Operator: Welcome to the call. Our first question comes from Sara Cohen with Citi.\n"
            "Sara Cohen: 🚀 What about demand in the Middle East and how will it grow?\n"
            "Jane Roe: Demand there, شكرا جزيلا, is strong. מצוין.\n"
            "محمد علي: A speaker whose name is written right to left.\n"
            "Jane Roe: Thank you.\n"
        ).encode(),
        "windows_line_endings.txt": body.replace("\n", "\r\n").encode(),
        "form_feeds_and_nul_bytes.txt": body.replace("\n\n", "\n\f\n", 5).replace("Thank you", "Thank\x00 you").encode(),
    }
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("transcript.txt", body)
    files["zip_archive.txt"] = archive.getvalue()
    paths = {}
    for name, data in files.items():
        path = out / name
        path.write_bytes(data)
        paths[name] = path
    paths["text_50mb.txt"] = _prose(out / "text_50mb.txt", 50_000_000, rng)
    assert set(paths) == set(EXPECTED)
    return paths


def _name(i: int) -> str:
    # A distinct capitalised surname for every line: "Person Bacedf: ok".
    letters = "abcdefghijklmnopqrstuvwxyz"
    word = ""
    while True:
        word = letters[i % 26] + word
        i //= 26
        if not i:
            break
    return ("B" + word).capitalize()


def _prose(path: Path, size: int, rng: random.Random) -> Path:
    words = "the company expects revenue growth margins demand supply quarter analysts market guidance".split()
    with path.open("w", encoding="utf-8") as handle:
        written = 0
        while written < size:
            line = " ".join(rng.choice(words) for _ in range(14)).capitalize() + ".\n"
            handle.write(line)
            written += len(line)
    return path


def _nasty_html(body: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in body.splitlines() if line.strip())
    return (
        "<!doctype html><html><head><title>Call</title><style>p{color:red}</style>"
        "<script>document.write('<p>Injected: not part of the call</p>')</script></head><body>"
        + "<div>" * 10_000 + paragraphs + "</div>" * 10_000
        + "<script>alert(1)</script></body></html>"
    )


def _pdf(text: str | None, password: str | None = None) -> bytes:
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    pdf = FPDF()
    pdf.add_page()
    if text is None:
        pdf.rect(20, 20, 50, 30)
    else:
        pdf.set_font("Helvetica", size=12)
        pdf.cell(0, 10, text)
    data = bytes(pdf.output())
    if password is None:
        return data
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


if __name__ == "__main__":
    for name, path in make_all(Path(sys.argv[1])).items():
        print(f"{path}  ({EXPECTED[name][0]})")
