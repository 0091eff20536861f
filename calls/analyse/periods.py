"""Periods named in a sentence, resolved against the call: `March quarter`, `第三季度`, `2026年全年`, `fiscal 2026`.

Quarters come out in the company's own style (`FY2026 Q3`, `Q1 2026`, as the
call's `fiscal_period`); whole years as `FY2026` (fiscal) or `CY2026` (a
calendar year of a company whose fiscal year is not the calendar year).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from calls.ingest.metadata import fiscal_from_calendar, format_period
from calls.rules import Company

_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_MONTHS = {"march": 3, "june": 6, "september": 9, "december": 12}


@dataclass(frozen=True)
class CallCalendar:
    """The reported quarter of a call and its company's fiscal calendar."""

    company: Company | None
    year: int  # fiscal year of the reported quarter
    quarter: int
    call_year: int  # calendar year the call was held in

    @property
    def year_end_month(self) -> int:
        return self.company.fiscal_year_end_month if self.company else 12

    @property
    def calendar_fiscal_year(self) -> bool:
        return self.year_end_month == 12

    def quarter_end(self) -> tuple[int, int]:
        """Calendar (year, month) the reported quarter ends in."""
        month = (self.year_end_month + 3 * self.quarter - 1) % 12 + 1
        return (self.year if month <= self.year_end_month else self.year - 1), month

    def next_quarter(self) -> tuple[int, int]:
        return (self.year + 1, 1) if self.quarter == 4 else (self.year, self.quarter + 1)

    def numbered_quarter(self, number: int, year: int | None = None) -> str:
        """A fiscal quarter by number; without a year, the next one after the reported quarter."""
        if year is None:
            year = self.year if number > self.quarter else self.year + 1
        return format_period(year, number, self.company, not self.calendar_fiscal_year)

    def month_quarter(self, month: int, year: int | None = None) -> str:
        """The quarter ending in a calendar month (`March quarter`); without a year, the next such quarter."""
        if year is None:
            end_year, end_month = self.quarter_end()
            year = end_year if month > end_month else end_year + 1
        fiscal_year, fiscal_quarter = fiscal_from_calendar(year, (month - 1) // 3 + 1, self.year_end_month)
        return format_period(fiscal_year, fiscal_quarter, self.company, not self.calendar_fiscal_year)

    def following_quarter(self) -> str:
        return format_period(*self.next_quarter(), self.company, not self.calendar_fiscal_year)

    def fiscal_year(self, year: int | None = None) -> str:
        """`FY2026`; without a year, the fiscal year of the next quarter."""
        return f"FY{year or self.next_quarter()[0]}"

    def calendar_year(self, year: int) -> str:
        """A calendar year: `FY2026` when the fiscal year is the calendar year, else `CY2026`."""
        return f"FY{year}" if self.calendar_fiscal_year else f"CY{year}"


def calendar_of(fiscal_period: str | None, company: Company | None, call_year: int | None) -> CallCalendar | None:
    """The calendar of a call from its `FY2026 Q2` / `Q4 2025` period."""
    if not fiscal_period:
        return None
    m = re.fullmatch(r"FY(\d{4}) Q([1-4])", fiscal_period) or re.fullmatch(r"Q([1-4]) (\d{4})", fiscal_period)
    if not m:
        return None
    if fiscal_period.startswith("FY"):
        year, quarter = int(m.group(1)), int(m.group(2))
    else:
        quarter, year = int(m.group(1)), int(m.group(2))
    calendar = CallCalendar(company, year, quarter, call_year or 0)
    if call_year is None:
        # Calls are held a few weeks after the quarter ends.
        end_year, end_month = calendar.quarter_end()
        calendar = CallCalendar(company, year, quarter, end_year + 1 if end_month == 12 else end_year)
    return calendar


@dataclass(frozen=True)
class PeriodMention:
    """A period named in a sentence."""

    start: int
    end: int
    period: str | None  # None: an ongoing target ("going forward")


_Y = r"(?P<y>(?:19|20)\d{2})"
_YY = r"(?P<y>(?:19|20)?\d{2})"


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    return 2000 + int(raw) if len(raw) == 2 else int(raw)


@cache
def _patterns(language: str) -> list[tuple[re.Pattern[str], str]]:
    """(pattern, how to read it), in priority order: quarters before years before bare years."""
    if language == "zh":
        table = [
            (rf"{_Y}\s*年\s*(?P<m>3|6|9|12)\s*月(?:份)?(?:的)?季度", "month"),
            (r"(?P<m>3|6|9|12)\s*月(?:份)?(?:的)?季度", "month"),
            (rf"{_Y}\s*财年\s*第?\s*(?P<q>[一二三四1-4])\s*(?:财季|财政季度|季度|季)", "quarter"),
            (rf"{_Y}\s*年\s*第?\s*(?P<q>[一二三四1-4])\s*(?:季度|季)", "quarter"),
            (r"第\s*(?P<q>[一二三四1-4])\s*(?:财季|财政季度|季度|季)", "quarter"),
            (r"(?:下一?个?季度|下一财季|本季度)", "next"),
            (rf"{_Y}\s*财年", "fiscal_year"),
            (rf"{_Y}\s*日历年", "calendar_year"),
            (rf"{_Y}\s*(?:年\s*)?全年", "year"),
            (r"本财年|全年", "this_fiscal_year"),
            (r"今年|本年", "this_year"),
            (r"明年", "next_year"),
            (rf"{_Y}\s*年", "year"),
        ]
        flags = 0
    else:
        table = [
            (rf"\b(?P<month>March|June|September|December)[- ]quarter(?:\s+(?:of\s+)?{_Y})?", "month"),
            (rf"\b(?P<q>first|second|third|fourth)[- ]quarter\s+(?:of\s+)?(?:fiscal\s+(?:year\s+)?|FY\s?){_YY}\b", "quarter"),
            (rf"\bfiscal\s+(?:year\s+)?{_Y}\s+(?P<q>first|second|third|fourth)[- ]quarter", "quarter"),
            (rf"\b(?P<q>first|second|third|fourth)[- ]quarter\s+(?:of\s+)?{_Y}\b", "quarter"),
            (rf"\bQ(?P<q>[1-4])\s*(?:of\s+)?(?:fiscal\s+(?:year\s+)?|FY\s?)?'?{_YY}\b", "quarter"),
            (r"\b(?:the\s+)?(?P<q>first|second|third|fourth)[- ]quarter\b", "quarter"),
            (r"\bQ(?P<q>[1-4])\b", "quarter"),
            (r"\bnext\s+quarter\b|\bthe\s+(?:current|coming)\s+quarter\b", "next"),
            (rf"\b(?:fiscal\s+(?:year\s+)?|FY\s?'?){_YY}\b", "fiscal_year"),
            (rf"\b(?:calendar\s+(?:year\s+)?|CY\s?'?){_YY}\b", "calendar_year"),
            (rf"\bfull[- ]year\s+(?:of\s+)?{_Y}\b", "fiscal_year"),
            (rf"\b{_Y}\s+full[- ]year\b", "fiscal_year"),
            (r"\bfull[- ]year\b|\bfor\s+the\s+(?:fiscal\s+)?year\b|\bthis\s+fiscal\s+year\b", "this_fiscal_year"),
            (r"\bthis\s+year\b", "this_year"),
            (r"\bnext\s+year\b", "next_year"),
            (rf"\b(?:in|for|during|of)\s+{_Y}\b", "year"),
        ]
        flags = re.IGNORECASE
    return [(re.compile(pattern, flags), kind) for pattern, kind in table]


def period_mentions(text: str, language: str, calendar: CallCalendar) -> list[PeriodMention]:
    """Every period named in `text`, resolved, left to right (a longer reading wins over one inside it)."""
    found: list[PeriodMention] = []
    for pattern, kind in _patterns(language):
        for m in pattern.finditer(text):
            if any(f.start < m.end() and m.start() < f.end for f in found):
                continue
            period = _resolve(m, kind, calendar)
            if period:
                found.append(PeriodMention(m.start(), m.end(), period))
    return sorted(found, key=lambda p: p.start)


def _resolve(m: re.Match[str], kind: str, calendar: CallCalendar) -> str | None:
    groups = m.groupdict()
    year = _year(groups.get("y"))
    if kind == "month":
        month = _MONTHS[groups["month"].lower()] if groups.get("month") else int(groups["m"])
        return calendar.month_quarter(month, year)
    if kind == "quarter":
        return calendar.numbered_quarter(_ORDINAL[groups["q"].lower()], year)
    if kind == "next":
        return calendar.following_quarter()
    if kind == "fiscal_year":
        return calendar.fiscal_year(year)
    if kind == "calendar_year":
        return f"CY{year}"
    if kind == "this_fiscal_year":
        return calendar.fiscal_year()
    if kind == "this_year":
        return calendar.calendar_year(calendar.call_year)
    if kind == "next_year":
        return calendar.calendar_year(calendar.call_year + 1)
    if kind == "year" and year:
        return calendar.calendar_year(year)
    return None
