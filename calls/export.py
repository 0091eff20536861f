"""Tidy tables of the stored calls as pandas DataFrames, and writers for CSV, XLSX, Parquet and JSON.

    from calls.store import Store
    from calls.export import qa_frame
    with Store("calls.duckdb", read_only=True) as store:
        qa = qa_frame(store, ticker="LRCX")

Every frame takes the same filters: `ticker`, `period_from`/`period_to`
(fiscal periods such as `FY2026 Q1`), `language`. CSV and XLSX cells that start
with `=`, `+`, `-`, `@`, a tab or a carriage return are prefixed with `'` so a
spreadsheet shows them as text instead of running them as formulas; numbers
stay numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from calls.store import Store

FORMATS = ("csv", "xlsx", "parquet", "json")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CALL_COLUMNS = "c.id AS call_id, c.company, c.ticker, c.fiscal_period, c.call_date, c.language"


def _period_key(period: str) -> tuple[int, int]:
    """(fiscal year, quarter) of `FY2026 Q2` or `Q4 2025` for range filters."""
    m = re.fullmatch(r"FY(\d{4}) Q([1-4])", period.strip()) or re.fullmatch(r"Q([1-4]) (\d{4})", period.strip())
    if not m:
        raise ValueError(f"cannot read the period {period!r}; write it as 'FY2026 Q2' or 'Q4 2025'")
    return (int(m.group(1)), int(m.group(2))) if period.strip().startswith("FY") else (int(m.group(2)), int(m.group(1)))


def _ordinal(period: str) -> int:
    year, quarter = _period_key(period)
    return year * 10 + quarter


def _where(ticker: str | None, period_from: str | None, period_to: str | None, language: str | None) -> tuple[str, list]:
    clauses, params = [], []
    if ticker:
        clauses.append("upper(c.ticker) = upper(?)")
        params.append(ticker)
    if period_from:
        clauses.append("c.fiscal_year * 10 + c.fiscal_quarter >= ?")
        params.append(_ordinal(period_from))
    if period_to:
        clauses.append("c.fiscal_year * 10 + c.fiscal_quarter <= ?")
        params.append(_ordinal(period_to))
    if language:
        clauses.append("c.language = ?")
        params.append(language)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _query(store: Store, select: str, joins: str, order: str, filters: dict) -> pd.DataFrame:
    where, params = _where(**filters)
    return store.frame(f"SELECT {_CALL_COLUMNS}, {select} FROM calls c {joins} {where} ORDER BY c.ticker, c.fiscal_year, c.fiscal_quarter, c.id, {order}", params)


def turns_frame(store: Store, ticker: str | None = None, period_from: str | None = None, period_to: str | None = None, language: str | None = None) -> pd.DataFrame:
    """One row per speaker turn."""
    return _query(
        store, "t.idx AS turn, t.speaker, t.role, t.section, t.start_char, t.end_char, t.text",
        "JOIN turns t ON t.call_id = c.id", "t.idx", dict(ticker=ticker, period_from=period_from, period_to=period_to, language=language),
    )


def _turn_texts(store: Store, filters: dict) -> dict[tuple[str, int], tuple[str, str]]:
    frame = turns_frame(store, **filters)
    return {(r.call_id, r.turn): (r.speaker, r.text) for r in frame.itertuples()}


def _pair_tags(store: Store, filters: dict) -> dict[tuple[str, int], dict[str, list[str]]]:
    """Themes and hedge categories found in each turn."""
    where, params = _where(**filters)
    kinds = ("AND" if where else "WHERE") + " g.kind IN ('theme', 'hedge')"
    rows = store.con.execute(
        f"SELECT g.call_id, g.turn, g.kind, g.category FROM tags g JOIN calls c ON c.id = g.call_id {where} {kinds}", params
    ).fetchall()
    found: dict[tuple[str, int], dict[str, list[str]]] = {}
    for call_id, turn, kind, category in rows:
        entry = found.setdefault((call_id, turn), {"theme": [], "hedge": []})
        if category not in entry[kind]:
            entry[kind].append(category)
    return found


def _pairs(store: Store, filters: dict) -> pd.DataFrame:
    return _query(
        store,
        "q.idx AS pair, q.exchange, q.analyst, q.firm, q.question_turns, q.answer_turns, q.answered_by, q.non_answer,"
        " q.non_answer_cues, q.on_topic",
        "JOIN qa_pairs q ON q.call_id = c.id", "q.idx", filters,
    )


def qa_frame(store: Store, ticker: str | None = None, period_from: str | None = None, period_to: str | None = None, language: str | None = None) -> pd.DataFrame:
    """One row per Q&A pair: analyst, firm, the question, every answer joined, who answered, themes, hedges, non-answer."""
    filters = dict(ticker=ticker, period_from=period_from, period_to=period_to, language=language)
    texts = _turn_texts(store, filters)
    tags = _pair_tags(store, filters)
    rows = []
    for r in _pairs(store, filters).itertuples():
        turns = list(r.question_turns) + list(r.answer_turns)
        themes = sorted({t for i in turns for t in tags.get((r.call_id, i), {}).get("theme", [])})
        hedges = sorted({h for i in r.answer_turns for h in tags.get((r.call_id, i), {}).get("hedge", [])})
        rows.append({
            "call_id": r.call_id, "company": r.company, "ticker": r.ticker, "fiscal_period": r.fiscal_period,
            "call_date": r.call_date, "language": r.language, "pair": r.pair, "exchange": r.exchange,
            "analyst": r.analyst, "firm": r.firm,
            "question": "\n\n".join(texts[(r.call_id, i)][1] for i in r.question_turns),
            "answer": "\n\n".join(f"{texts[(r.call_id, i)][0]}: {texts[(r.call_id, i)][1]}" for i in r.answer_turns),
            "answered_by": "; ".join(r.answered_by), "themes": "; ".join(themes), "hedges": "; ".join(hedges),
            "non_answer": r.non_answer, "non_answer_cues": "; ".join(r.non_answer_cues), "on_topic": r.on_topic,
        })
    return pd.DataFrame(rows, columns=[
        "call_id", "company", "ticker", "fiscal_period", "call_date", "language", "pair", "exchange", "analyst", "firm",
        "question", "answer", "answered_by", "themes", "hedges", "non_answer", "non_answer_cues", "on_topic",
    ])


def qa_rows_frame(store: Store, ticker: str | None = None, period_from: str | None = None, period_to: str | None = None, language: str | None = None) -> pd.DataFrame:
    """One row per question-answer part: a CEO answer and a CFO add-on are two rows sharing the pair."""
    filters = dict(ticker=ticker, period_from=period_from, period_to=period_to, language=language)
    texts = _turn_texts(store, filters)
    rows = []
    for r in _pairs(store, filters).itertuples():
        question = "\n\n".join(texts[(r.call_id, i)][1] for i in r.question_turns)
        for part, turn in enumerate(list(r.answer_turns) or [None], start=1):
            speaker, answer = texts[(r.call_id, turn)] if turn is not None else (None, None)
            rows.append({
                "call_id": r.call_id, "ticker": r.ticker, "fiscal_period": r.fiscal_period, "language": r.language,
                "pair_id": f"{r.call_id}#{r.pair}", "part": part, "analyst": r.analyst, "firm": r.firm, "question": question,
                "answer_speaker": speaker, "answer": answer, "non_answer": r.non_answer,
            })
    return pd.DataFrame(rows, columns=["call_id", "ticker", "fiscal_period", "language", "pair_id", "part", "analyst", "firm", "question", "answer_speaker", "answer", "non_answer"])


def guidance_frame(store: Store, ticker: str | None = None, period_from: str | None = None, period_to: str | None = None, language: str | None = None) -> pd.DataFrame:
    """One row per guidance record."""
    return _query(
        store,
        "g.metric, g.segment, g.period, g.low, g.high, g.point, g.unit, g.basis, g.qualifier, g.speaker, g.turn, g.sentence",
        "JOIN guidance g ON g.call_id = c.id", "g.idx", dict(ticker=ticker, period_from=period_from, period_to=period_to, language=language),
    )


def tags_frame(store: Store, ticker: str | None = None, period_from: str | None = None, period_to: str | None = None, language: str | None = None) -> pd.DataFrame:
    """One row per tag (hedge, forward-looking cue, non-answer cue, theme term)."""
    return _query(
        store, "g.kind, g.category, g.cue, g.turn, g.sentence, g.start_char, g.end_char",
        "JOIN tags g ON g.call_id = c.id", "g.start_char", dict(ticker=ticker, period_from=period_from, period_to=period_to, language=language),
    )


def metrics_frame(store: Store, ticker: str | None = None, period_from: str | None = None, period_to: str | None = None, language: str | None = None) -> pd.DataFrame:
    """One row per call, section and speaker with tone, hedging, numbers, readability; themes and readability as JSON text."""
    return _query(
        store,
        "m.scope, m.key, m.role, m.turns, m.sentences, m.words, m.size, m.positive, m.negative, m.uncertainty, m.net_tone,"
        " m.hedges_epistemic, m.hedges_approximator, m.hedges_conditional, m.hedge_density, m.forward_looking,"
        " m.forward_looking_density, m.uncertainty_density, m.numbers, m.numeric_share, m.specific_number_share, m.themes, m.readability",
        "JOIN metrics m ON m.call_id = c.id", "m.scope, m.key", dict(ticker=ticker, period_from=period_from, period_to=period_to, language=language),
    )


def analysts_frame(store: Store, ticker: str | None = None, period_from: str | None = None, period_to: str | None = None, language: str | None = None) -> pd.DataFrame:
    """Who asked: analyst, firm, the calls they asked in, how many questions, on which themes."""
    qa = qa_frame(store, ticker, period_from, period_to, language)
    rows = []
    for (analyst, firm), group in qa.groupby(["analyst", "firm"], dropna=False, sort=True):
        themes = sorted({t for cell in group["themes"] for t in cell.split("; ") if t})
        rows.append({
            "analyst": analyst, "firm": firm, "calls": "; ".join(dict.fromkeys(group["call_id"])),
            "call_count": group["call_id"].nunique(), "questions": len(group), "themes": "; ".join(themes),
            "non_answers_received": int(group["non_answer"].notna().sum()),
        })
    return pd.DataFrame(rows, columns=["analyst", "firm", "calls", "call_count", "questions", "themes", "non_answers_received"])


TABLES: dict[str, Callable[..., pd.DataFrame]] = {
    "turns": turns_frame,
    "qa": qa_frame,
    "qa-rows": qa_rows_frame,
    "guidance": guidance_frame,
    "tags": tags_frame,
    "metrics": metrics_frame,
    "analysts": analysts_frame,
}


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading `'`; lists become `; `-joined text."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_safe_cell)
    return out


def _safe_cell(value: object) -> object:
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist") and not isinstance(value, str):
        value = "; ".join(str(v) for v in list(value))
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_frame(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    """Write a frame as CSV (UTF-8 with BOM, for Excel), XLSX (frozen header, readable widths), Parquet or JSON."""
    if fmt == "csv":
        neutralise(frame).to_csv(path, index=False, encoding="utf-8-sig")
    elif fmt == "xlsx":
        _write_xlsx(neutralise(frame), path)
    elif fmt == "parquet":
        frame.to_parquet(path, index=False)
    elif fmt == "json":
        records = json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
        path.write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "data"
    sheet.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        sheet.append([None if _missing(v) else (v.isoformat() if hasattr(v, "isoformat") else v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(frame.columns, start=1):
        longest = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200) if not _missing(v)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(10, longest + 2), 60)
        if longest > 60:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    workbook.save(path)


def _missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
