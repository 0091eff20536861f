"""Company, ticker, fiscal period and call date, read from a transcript's own words.

Values already on the Document (from front matter, JSON fields or command-line
flags) always win; detection only fills what is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from calls.model import Document
from calls.rules import Company, companies

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
    "一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4,
}
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
            ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
            ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}

_ORD = r"(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)"
_QN = r"Q(?P<q>[1-4])"
_YEAR = r"(?P<y>(?:19|20)\d{2}|'\d{2})"
_FY = r"(?:fiscal(?:\s+year)?|FY)"
_FY_YEAR = r"(?P<y>(?:19|20)\d{2}|'?\d{2})"  # after "FY" a two-digit year is a year: FY25

# (pattern, is_fiscal): is_fiscal means the text says the period is a fiscal one.
_PERIOD_PATTERNS: list[tuple[re.Pattern[str], bool]] = [
    (re.compile(rf"\b{_ORD}[- ]quarter(?:\s+of)?\s+{_FY}\s*{_YEAR}", re.I), True),
    (re.compile(rf"\b{_FY}\s*{_YEAR}\s+{_ORD}[- ]quarter", re.I), True),
    (re.compile(rf"\bfiscal\s+{_ORD}[- ]quarter(?:\s+of)?(?:\s+{_FY})?\s+{_YEAR}", re.I), True),
    (re.compile(rf"\b{_QN}\s*(?:of\s+)?{_FY}\s*{_FY_YEAR}\b", re.I), True),
    (re.compile(rf"\b{_FY}\s*{_FY_YEAR}\s*[-/ ]?\s*{_QN}\b", re.I), True),
    (re.compile(r"(?P<y>(?:19|20)\d{2})\s*财年\s*第?\s*(?P<q>[一二三四1-4])\s*(?:财季|财政季度|季度|季)"), True),
    (re.compile(r"财年\s*(?P<y>(?:19|20)\d{2})\s*年?\s*第?(?P<q>[一二三四1-4])\s*(?:财季|季度)"), True),
    (re.compile(rf"\b{_ORD}[- ]quarter(?:\s+of)?\s+{_YEAR}", re.I), False),
    (re.compile(rf"\b{_ORD}[- ]quarter\s+and\s+(?:full|fiscal)[- ]year\s+{_YEAR}", re.I), False),
    (re.compile(rf"\b{_QN}\s+and\s+(?:full|fiscal)[- ]year\s+{_YEAR}", re.I), False),
    (re.compile(rf"\b{_QN}\s*{_YEAR}\b", re.I), False),
    (re.compile(rf"\b{_YEAR}\s*{_QN}\b", re.I), False),
    (re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?:第\s*)?(?P<q>[一二三四1-4])\s*(?:季度|季)"), False),
    (re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*Q(?P<q>[1-4])"), False),
]
# A quarter named by its last calendar month: "December quarter", "2025年12月季度".
_MONTH_QUARTER = [
    re.compile(r"\b(?P<m>March|June|September|December)[- ]quarter(?:\s+(?:of\s+)?(?P<y>(?:19|20)\d{2}))?", re.I),
    re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?P<m>3|6|9|12)\s*月(?:份)?季度"),
]
_CALL_WORDS = re.compile(r"earnings|results|conference|call|财报|业绩|电话会", re.I)

_DATE_PATTERNS = [
    re.compile(r"\b(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})\b", re.I),
    re.compile(r"\b(?P<d>\d{1,2})\s+(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December)\s+(?P<y>(?:19|20)\d{2})\b", re.I),
    re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
]

# How much of the text to read for metadata: the title block and the opening.
_HEAD = 6000


@dataclass(frozen=True)
class PeriodMention:
    """A quarter stated in the text."""

    year: int
    quarter: int
    fiscal: bool  # the text calls it fiscal, or it is the company's own numbering
    calendar_month: int | None  # set when the text names the quarter by its last month
    start: int
    score: int


def find_company(text: str, title: str | None = None) -> Company | None:
    """The known company a transcript is about: most mentioned, the title counting triple."""
    best: tuple[int, Company] | None = None
    for company in companies():
        count = 0
        for name in company.names:
            pattern = _name_pattern(name)
            count += len(pattern.findall(text[:200_000])) + 3 * len(pattern.findall(title or ""))
        if count and (best is None or count > best[0]):
            best = (count, company)
    return best[1] if best else None


def _name_pattern(name: str) -> re.Pattern[str]:
    if name.isascii():
        return re.compile(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])")
    return re.compile(re.escape(name))


def company_by_name_or_ticker(value: str) -> Company | None:
    """The known company with this name, alias or ticker (case-insensitive)."""
    wanted = value.strip().casefold()
    for company in companies():
        if wanted == company.ticker.casefold() or wanted in (n.casefold() for n in company.names):
            return company
    return None


def _year(raw: str) -> int:
    digits = raw.lstrip("'")
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def stated_periods(text: str, title: str | None = None) -> list[PeriodMention]:
    """Every quarter stated in the title and the opening of the text, scored by how surely it is the call's."""
    mentions: list[PeriodMention] = []
    for origin, chunk in (("title", title or ""), ("text", text[:_HEAD])):
        for pattern, fiscal in _PERIOD_PATTERNS:
            for m in pattern.finditer(chunk):
                mentions.append(_mention(origin, chunk, m, _year(m.group("y")), _ORDINALS[m.group("q").lower()], fiscal, None))
        for pattern in _MONTH_QUARTER:
            for m in pattern.finditer(chunk):
                month = _MONTHS.get(m.group("m").lower()) or int(m.group("m"))
                year = _year(m.group("y")) if m.group("y") else 0
                mentions.append(_mention(origin, chunk, m, year, (month - 1) // 3 + 1, False, month))
    return mentions


def _mention(origin: str, chunk: str, m: re.Match[str], year: int, quarter: int, fiscal: bool, month: int | None) -> PeriodMention:
    score = (3 if origin == "title" else 0) + (2 if fiscal else 0)
    if _CALL_WORDS.search(chunk[m.end(): m.end() + 30]):
        score += 2
    start = m.start() if origin == "text" else -1
    return PeriodMention(year, quarter, fiscal, month, start, score)


def fiscal_from_calendar(year: int, quarter: int, fiscal_year_end_month: int) -> tuple[int, int]:
    """Fiscal (year, quarter) of the calendar quarter `quarter` of `year` for a fiscal year ending in that month."""
    end_month = 3 * quarter
    fiscal_quarter = ((end_month - fiscal_year_end_month - 1) % 12) // 3 + 1
    fiscal_year = year + 1 if end_month > fiscal_year_end_month else year
    return fiscal_year, fiscal_quarter


def format_period(year: int, quarter: int, company: Company | None, fiscal: bool) -> str:
    """`FY2026 Q2` for a company whose fiscal year is not the calendar year, else `Q4 2025`."""
    if company is not None:
        fiscal = company.fiscal_year_end_month != 12
    return f"FY{year} Q{quarter}" if fiscal else f"Q{quarter} {year}"


def reported_quarter(reference: date) -> tuple[int, int]:
    """The calendar quarter a call held on `reference` reports: the last one completed before it."""
    quarter = (reference.month - 1) // 3 + 1
    return (reference.year - 1, 4) if quarter == 1 else (reference.year, quarter - 1)


def find_fiscal_period(text: str, company: Company | None, title: str | None, reference: date | None) -> str | None:
    """The call's fiscal period: the surest stated quarter, else the quarter before the call date."""
    mentions = stated_periods(text, title)
    explicit = [m for m in mentions if m.calendar_month is None]
    best = max(explicit, key=lambda m: (m.score, -m.start), default=None)
    if best is not None and best.score >= 2:
        return format_period(best.year, best.quarter, company, best.fiscal)
    month_named = [m for m in mentions if m.calendar_month is not None]
    if month_named and company is not None:
        first = min(month_named, key=lambda m: (-m.score, m.start))
        year = first.year or (reference.year if reference else 0)
        if year:
            if reference and not first.year and first.calendar_month > reference.month:
                year -= 1
            return format_period(*fiscal_from_calendar(year, first.quarter, company.fiscal_year_end_month), company, True)
    if reference is not None:
        year, quarter = reported_quarter(reference)
        if company is not None:
            return format_period(*fiscal_from_calendar(year, quarter, company.fiscal_year_end_month), company, True)
        return format_period(year, quarter, None, False)
    if best is not None:
        return format_period(best.year, best.quarter, company, best.fiscal)
    return None


def parse_period(value: str, company: Company | None = None) -> str | None:
    """Normalise a period a user typed (`FY2026 Q2`, `Q4 2025`, `2026财年第二财季`); None if unreadable."""
    for pattern, fiscal in _PERIOD_PATTERNS:
        m = pattern.search(value)
        if m:
            return format_period(_year(m.group("y")), _ORDINALS[m.group("q").lower()], company, fiscal)
    return None


# A date right after these words ends a period ("quarter ended March 30, 2025"); it is not the call's.
_PERIOD_END = re.compile(r"(?:ending|ended|ends|end of|through|as of|截至|截止|结束于)\s*(?:on\s*)?[(（]?\s*$", re.IGNORECASE)


def find_call_date(text: str, title: str | None, reference: date | None) -> date | None:
    """The first date stated in the title or the opening that is not a period end; a Chinese month-day takes the reference's year."""
    for chunk in (title or "", text[:3000]):
        found: list[tuple[int, date]] = []
        for pattern in _DATE_PATTERNS:
            for m in pattern.finditer(chunk):
                if _PERIOD_END.search(chunk[max(0, m.start() - 25): m.start()]):
                    continue
                parsed = _date_of(m, reference)
                if parsed:
                    found.append((m.start(), parsed))
        if found:
            return min(found)[1]
    return None


def _date_of(m: re.Match[str], reference: date | None) -> date | None:
    groups = m.groupdict()
    month = _MONTHS.get(groups["mon"].lower().rstrip(".")) if groups.get("mon") else int(groups["m"])
    year = int(groups["y"]) if groups.get("y") else (reference.year if reference else None)
    if year is None or month is None:
        return None
    try:
        return date(year, month, int(groups["d"]))
    except ValueError:
        return None


def fill_metadata(document: Document) -> Document:
    """Fill company, ticker, fiscal period and call date that the input did not state."""
    company = None
    if document.company or document.ticker:
        company = company_by_name_or_ticker(document.ticker or "") or company_by_name_or_ticker(document.company or "")
    if company is None and not document.company:
        company = find_company(document.text, document.source.title)
    reference = _published(document)
    call_date = document.call_date or find_call_date(document.text, document.source.title, reference)
    period = document.fiscal_period and (parse_period(document.fiscal_period, company) or document.fiscal_period)
    period = period or find_fiscal_period(document.text, company, document.source.title, call_date or reference)
    return document.model_copy(
        update={
            "company": document.company or (company.name if company else None),
            "ticker": document.ticker or (company.ticker if company else None),
            "fiscal_period": period,
            "call_date": call_date,
        }
    )


def _published(document: Document) -> date | None:
    try:
        return date.fromisoformat(document.source.published) if document.source.published else None
    except ValueError:
        return None
