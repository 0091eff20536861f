"""What the app reads from the store, cached by the database file's version, and how it renders text safely.

Reads open the database read-only for the moment they need it and are cached
with the file's modification time and size as part of the key, so switching
calls is instant and an upload shows up at once. Transcript text is untrusted:
it is HTML-escaped before any highlighting markup is added, and rendered with
`st.html`, which applies no Markdown, so `<script>`, `<img onerror=…>` and
`[link](…)` in a transcript show as the literal text they are.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from calls.compare import compare_guidance, guidance_changes, quarters
from calls.export import qa_frame
from calls.model import Call
from calls.store import Store, StoreError, default_path

from calls.ui import UPLOAD_LIMIT_MB  # noqa: F401  (re-exported for the pages)


def db_path() -> Path:
    """The database the app shows: `$CALLS_DB` or `calls.duckdb` here."""
    return default_path()


def db_version(path: Path) -> str:
    """Changes whenever the database file changes; part of every cache key."""
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    wal = path.with_name(path.name + ".wal")
    extra = wal.stat().st_mtime_ns if wal.exists() else 0
    return f"{stat.st_mtime_ns}-{stat.st_size}-{extra}"


def _open(path: str) -> Store:
    return Store(path, read_only=True, wait=30.0)


@st.cache_data(show_spinner=False, max_entries=8)
def calls_table(path: str, version: str) -> pd.DataFrame:
    """Every stored call with its key figures, for the Calls page."""
    with _open(path) as store:
        return store.frame(
            "SELECT id, company, ticker, fiscal_period AS period, CAST(call_date AS VARCHAR) AS date, language,"
            " analysts, questions, guidance_items AS guidance, round(net_tone, 3) AS net_tone FROM calls"
            " ORDER BY ticker, fiscal_year, fiscal_quarter, id"
        )


@st.cache_data(show_spinner=False, max_entries=64)
def call(path: str, version: str, call_id: str) -> Call:
    """One stored call."""
    with _open(path) as store:
        return store.get(call_id)


@st.cache_data(show_spinner=False, max_entries=32)
def previous_call(path: str, version: str, call_id: str) -> Call | None:
    """The same company's call for the fiscal quarter before, if stored."""
    with _open(path) as store:
        row = store.con.execute("SELECT ticker, fiscal_year * 10 + fiscal_quarter FROM calls WHERE id = ?", [call_id]).fetchone()
        if not row or row[0] is None or row[1] is None:
            return None
        earlier = store.con.execute(
            "SELECT id FROM calls WHERE ticker = ? AND fiscal_year * 10 + fiscal_quarter < ? ORDER BY fiscal_year DESC, fiscal_quarter DESC, id LIMIT 1",
            [row[0], row[1]],
        ).fetchone()
        return store.get(earlier[0]) if earlier else None


@st.cache_data(show_spinner=False, max_entries=16)
def qa_table(path: str, version: str, call_id: str) -> pd.DataFrame:
    """The Q&A export table of one call."""
    with _open(path) as store:
        frame = qa_frame(store)
    return frame[frame.call_id == call_id].reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=16)
def company_quarters(path: str, version: str, ticker: str) -> pd.DataFrame:
    """A company's quarters side by side (see calls.compare.quarters)."""
    with _open(path) as store:
        return quarters(store, ticker)


@st.cache_data(show_spinner=False, max_entries=16)
def company_guidance_changes(path: str, version: str, ticker: str) -> pd.DataFrame:
    """A company's guidance changes quarter by quarter."""
    with _open(path) as store:
        return guidance_changes(store, ticker)


@st.cache_data(show_spinner=False, max_entries=32)
def search(path: str, version: str, phrase: str, limit: int = 200) -> pd.DataFrame:
    """Sentences of every stored call containing `phrase` (case-insensitive; English or Chinese)."""
    escaped = phrase.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    with _open(path) as store:
        return store.frame(
            "SELECT c.id AS call_id, c.company, c.fiscal_period AS period, t.speaker, t.role, s.turn, s.text AS sentence"
            " FROM sentences s JOIN calls c ON c.id = s.call_id JOIN turns t ON t.call_id = s.call_id AND t.idx = s.turn"
            " WHERE s.text ILIKE ? ESCAPE '\\' ORDER BY c.ticker, c.fiscal_year, c.fiscal_quarter, s.idx LIMIT ?",
            [f"%{escaped}%", limit],
        )


UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".json")


def store_upload(name: str, content: bytes, path: Path | None = None) -> list:
    """Parse, analyse and store an uploaded file; raises InputError (nothing written) or StoreError.

    The uploaded name is never used as a path: the bytes go to a temporary file
    that keeps only the name's extension; the name is recorded as the source.
    """
    import tempfile

    from calls.errors import InputError
    from calls.pipeline import parse_file

    if len(content) > UPLOAD_LIMIT_MB * 1_000_000:
        raise InputError(name, f"the file is {len(content) / 1e6:.1f} MB, above the {UPLOAD_LIMIT_MB} MB limit")
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"upload{suffix if suffix in UPLOAD_SUFFIXES else '.txt'}"
        target.write_bytes(content)
        try:
            calls, _ = parse_file(target, max_bytes=UPLOAD_LIMIT_MB * 1_000_000)
        except InputError as error:
            raise InputError(name, error.reason) from None
    with Store(path or db_path(), wait=30.0) as store:
        return [store.save(c.model_copy(update={"source": c.source.model_copy(update={"path": name})})) for c in calls]


def store_error(error: StoreError) -> None:
    """Show a database problem as one clear message."""
    st.error(str(error))


def compare_with_previous(current: Call, previous: Call | None) -> pd.DataFrame:
    """This call's guidance beside the previous quarter's for the same metric."""
    if previous is None:
        return pd.DataFrame()
    return pd.DataFrame([c.model_dump() for c in compare_guidance(previous, current)])


@dataclass(frozen=True)
class Mark:
    """A span of a turn to highlight: its kind (CSS class) and the tooltip."""

    start: int
    end: int
    kind: str
    title: str


def turn_html(text: str, offset: int, marks: list[Mark]) -> str:
    """The turn's text, escaped, with `<mark>`s around the highlighted spans (overlaps: first one wins)."""
    pieces = []
    position = 0
    for mark in sorted(marks, key=lambda m: (m.start, -m.end)):
        start, end = mark.start - offset, mark.end - offset
        if start < position or start < 0 or end > len(text):
            continue
        pieces.append(html.escape(text[position:start]))
        pieces.append(f'<mark class="{mark.kind}" title="{html.escape(mark.title, quote=True)}">{html.escape(text[start:end])}</mark>')
        position = end
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)


STYLE = """<style>
.turn { white-space: pre-wrap; word-break: break-word; line-height: 1.6;
        font-family: "Source Sans Pro", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
.turn mark { padding: 0 2px; border-radius: 3px; }
.turn mark.guidance { background: #c8f7c5; }
.turn mark.hedge { background: #fff3b0; }
.turn mark.non_answer { background: #ffc9c9; }
.turn mark.theme { background: #d0e8ff; }
.who { font-weight: 600; }
.role { color: #666; font-size: 0.9em; }
</style>"""


def render_turn(speaker: str, role: str, firm: str | None, section: str, text_html: str, anchor: str) -> str:
    """One turn's block: who speaks (escaped), their role and firm, and the (already escaped) text."""
    who = html.escape(speaker)
    detail = html.escape(role.replace("_", " ") + (f" · {firm}" if firm else "") + f" · {section.replace('_', ' ')}")
    return f'<div id="{html.escape(anchor)}"><span class="who">{who}</span> <span class="role">{detail}</span><div class="turn">{text_html}</div></div>'


def guidance_label(record) -> str:
    """`revenue FY2026 Q3: 5.4B to 6B USD (non-GAAP)` for a tooltip or a table."""
    def amount(value: float | None) -> str:
        if value is None:
            return "…"
        for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
            if abs(value) >= scale:
                return f"{value / scale:g}{suffix}"
        return f"{value:g}"

    span = amount(record.point) if record.low == record.high else f"{amount(record.low)} to {amount(record.high)}"
    segment = f" [{record.segment}]" if record.segment else ""
    basis = f" ({record.basis})" if record.basis else ""
    return f"{record.metric}{segment} {record.period or 'ongoing'}: {span} {record.unit}{basis}"

