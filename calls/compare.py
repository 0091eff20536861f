"""Compare a company's calls across quarters: tone, hedging, non-answers, themes, and guidance changes.

Quarters are the company's fiscal quarters (Microsoft's and Lam Research's
fiscal years end in June, Meta's in December), kept beside the calendar
quarter, so a company's quarters order correctly and companies line up by
calendar quarter. Metrics are language-neutral, so a Chinese and an English
transcript of the same company compare.
"""

from __future__ import annotations

import re

import pandas as pd
from pydantic import BaseModel

from calls.model import Call, Guidance, SectionKind
from calls.store import Store, StoreError

# Per-quarter numbers, and the column each comes from.
QUARTER_COLUMNS = [
    "net_tone", "net_tone_prepared", "net_tone_qa", "uncertainty_density", "hedge_density", "non_answer_rate",
    "readability", "analysts", "questions", "guidance_items",
]


class GuidanceChange(BaseModel):
    """One line of a guidance comparison between a call and the one before it."""

    call: str
    previous: str
    metric: str
    segment: str | None
    period: str | None
    status: str  # raised, maintained, lowered, rolled, new, dropped
    previous_period: str | None
    previous_low: float | None
    previous_high: float | None
    low: float | None
    high: float | None


def period_kind(period: str | None) -> str:
    """`quarter`, `year` or `ongoing`."""
    if period is None:
        return "ongoing"
    return "quarter" if re.search(r"Q[1-4]", period) else "year"


def midpoint(record: Guidance) -> float | None:
    """The point, else the middle of the range, else the one bound given."""
    if record.point is not None:
        return record.point
    if record.low is not None and record.high is not None:
        return (record.low + record.high) / 2
    return record.low if record.low is not None else record.high


def compare_guidance(previous: Call, current: Call) -> list[GuidanceChange]:
    """Each current forecast beside what the previous call guided for the same metric and period.

    Same metric, segment and period: raised / maintained / lowered by midpoint.
    Otherwise `rolled` when the previous call guided the metric for another
    period of the same kind (quarter, year), else `new`. A previous forecast the
    current call does not carry on is `dropped` when the current call still
    gives guidance of that kind.
    """
    def key(g: Guidance) -> tuple:
        return (g.metric, g.segment, g.period)

    def series(g: Guidance) -> tuple:
        return (g.metric, g.segment, period_kind(g.period))

    before = {key(g): g for g in previous.guidance}
    before_series = {series(g): g for g in reversed(previous.guidance)}
    kinds_now = {period_kind(g.period) for g in current.guidance}
    series_now = {series(g) for g in current.guidance}
    changes = []
    for record in current.guidance:
        old = before.get(key(record))
        if old is not None:
            now, then = midpoint(record), midpoint(old)
            status = "maintained" if now == then else "raised" if (now or 0) > (then or 0) else "lowered"
        else:
            old = before_series.get(series(record))
            status = "rolled" if old is not None else "new"
        changes.append(_change(current, previous, record, old, status))
    for record in previous.guidance:
        if key(record) not in {key(g) for g in current.guidance} and series(record) not in series_now and period_kind(record.period) in kinds_now:
            changes.append(_change(current, previous, None, record, "dropped"))
    return changes


def _change(current: Call, previous: Call, record: Guidance | None, old: Guidance | None, status: str) -> GuidanceChange:
    shown = record or old
    return GuidanceChange(
        call=current.fiscal_period or current.id,
        previous=previous.fiscal_period or previous.id,
        metric=shown.metric,
        segment=shown.segment,
        period=record.period if record else None,
        status=status,
        previous_period=old.period if old else None,
        previous_low=old.low if old else None,
        previous_high=old.high if old else None,
        low=record.low if record else None,
        high=record.high if record else None,
    )


def company_calls(store: Store, ticker: str) -> list[Call]:
    """One call per fiscal quarter of a company, oldest first (the first stored transcript of a quarter)."""
    rows = store.con.execute(
        "SELECT id, fiscal_year, fiscal_quarter FROM calls WHERE upper(ticker) = upper(?) ORDER BY fiscal_year, fiscal_quarter, id",
        [ticker],
    ).fetchall()
    if not rows:
        raise StoreError(f"no calls of {ticker!r} in {store.path} (see `calls list`)")
    seen: set[tuple] = set()
    calls = []
    for call_id, year, quarter in rows:
        if (year, quarter) not in seen:
            seen.add((year, quarter))
            calls.append(store.get(call_id))
    return calls


def guidance_changes(store: Store, ticker: str) -> pd.DataFrame:
    """Every guidance change of a company, quarter by quarter."""
    calls = company_calls(store, ticker)
    rows = [c.model_dump() for before, now in zip(calls, calls[1:]) for c in compare_guidance(before, now)]
    return pd.DataFrame(rows, columns=list(GuidanceChange.model_fields))


def _section_tone(call: Call, kind: SectionKind) -> float | None:
    if call.metrics is None:
        return None
    return next((s.net_tone for s in call.metrics.sections if s.key == kind.value), None)


def _readability(call: Call) -> float | None:
    if call.metrics is None:
        return None
    values = call.metrics.call.readability
    return values.get("gunning_fog", values.get("characters_per_clause"))


def quarters(store: Store, ticker: str) -> pd.DataFrame:
    """A company's calls in fiscal order with tone, hedging, non-answers, readability, themes, and the change from the quarter before."""
    from calls.store import quarter_numbers

    rows = []
    for call in company_calls(store, ticker):
        _, _, calendar_year, calendar_quarter = quarter_numbers(call)
        metrics = call.metrics
        row = {
            "call_id": call.id,
            "fiscal_period": call.fiscal_period,
            "calendar_quarter": f"CY{calendar_year} Q{calendar_quarter}" if calendar_year else None,
            "language": call.language,
            "net_tone": metrics.call.net_tone if metrics else None,
            "net_tone_prepared": _section_tone(call, SectionKind.prepared_remarks),
            "net_tone_qa": _section_tone(call, SectionKind.qa),
            "uncertainty_density": metrics.call.uncertainty_density if metrics else None,
            "hedge_density": metrics.call.hedge_density if metrics else None,
            "non_answer_rate": metrics.non_answer_rate if metrics else None,
            "readability": _readability(call),
            "analysts": len({p.analyst for p in call.qa_pairs}),
            "questions": len(call.qa_pairs),
            "guidance_items": len(call.guidance),
        }
        for theme, share in (metrics.call.themes.items() if metrics else []):
            row[f"theme:{theme}"] = share
        rows.append(row)
    frame = pd.DataFrame(rows)
    theme_columns = sorted(c for c in frame.columns if c.startswith("theme:"))
    frame[theme_columns] = frame[theme_columns].fillna(0.0)
    for column in QUARTER_COLUMNS + theme_columns:
        frame[f"change:{column}"] = pd.to_numeric(frame[column], errors="coerce").diff().round(4)
    return frame
