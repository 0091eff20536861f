"""Write the full transcripts of the seed news feed to `transcripts/` as clean text files.

Usage: python scripts/extract_seed_transcripts.py [FEED] [OUT_DIR]

The seed feed (`../shared/seeds/003_048932d57b72cc8e.txt`) is a dump of the
wallstreetcn.com RSS feed; three of its articles end in a full translated
earnings-call transcript after a news summary. Each output file holds the
transcript part only, with the article's URL, title and date as front matter.
"""

from __future__ import annotations

import sys
from pathlib import Path

from calls.ingest import fill_metadata, read_path
from calls.model import Document
from calls.pipeline import parse_document, transcript_problem
from calls.segment.lines import split_lines, transcript_start

FEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "003_048932d57b72cc8e.txt"
OUT = Path(__file__).resolve().parents[1] / "transcripts"


def file_name(document: Document) -> str:
    """`lam_research_fy2026q2.txt` from the company and period."""
    company = (document.company or "call").lower().replace(" ", "_")
    period = (document.fiscal_period or "").lower().replace(" ", "")
    if period.startswith("q"):  # "q42025" -> "q4_2025"
        period = f"{period[:2]}_{period[2:]}"
    return f"{company}_{period}.txt"


def transcript_file(document: Document) -> str:
    """Front matter and the transcript part of a feed article."""
    lines = split_lines(document.text)
    first = transcript_start(lines)
    body = document.text[lines[first].start:] if first < len(lines) else document.text
    front = {
        "source": "wallstreetcn.com news feed (Chinese translation of the call)",
        "url": document.source.url,
        "title": document.source.title,
        "published": document.source.published,
        "company": document.company,
        "ticker": document.ticker,
        "fiscal_period": document.fiscal_period,
        "call_date": document.call_date.isoformat() if document.call_date else None,
        "language": document.language,
    }
    header = "\n".join(f"{key}: {value}" for key, value in front.items() if value)
    return f"---\n{header}\n---\n{body}\n"


def extract(feed: Path = FEED) -> dict[str, str]:
    """File name -> file text for every full transcript in the feed."""
    files = {}
    for document in read_path(feed):
        document = fill_metadata(document)
        if transcript_problem(parse_document(document)) is None:
            files[file_name(document)] = transcript_file(document)
    return files


def main() -> None:
    feed = Path(sys.argv[1]) if len(sys.argv) > 1 else FEED
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else OUT
    out.mkdir(parents=True, exist_ok=True)
    for name, text in extract(feed).items():
        (out / name).write_text(text, encoding="utf-8")
        print(out / name)


if __name__ == "__main__":
    main()
