"""Company, fiscal period and call date from a transcript's words; every entry of companies.toml."""

from __future__ import annotations

from datetime import date

import pytest

from calls.ingest.metadata import (
    company_by_name_or_ticker,
    find_call_date,
    find_company,
    find_fiscal_period,
    fiscal_from_calendar,
    parse_period,
)
from calls.rules import companies

LAM = company_by_name_or_ticker("LRCX")
META = company_by_name_or_ticker("Meta")
MSFT = company_by_name_or_ticker("微软")


@pytest.mark.parametrize("company", companies(), ids=lambda c: c.ticker)
def test_every_company_is_found_by_each_of_its_names(company) -> None:
    for name in company.names:
        assert company_by_name_or_ticker(name) is company
    assert company_by_name_or_ticker(company.ticker.lower()) is company
    assert 1 <= company.fiscal_year_end_month <= 12


def test_company_is_the_most_mentioned_with_the_title_counting_triple() -> None:
    assert find_company("泛林研究公司季度财报电话会议 … 泛林研究", "Lam Research电话会") is LAM
    assert find_company("no company here", None) is None


@pytest.mark.parametrize(
    ("year", "quarter", "end_month", "fiscal"),
    [
        (2025, 4, 6, (2026, 2)),  # Lam/Microsoft: the December quarter is fiscal Q2 of the next fiscal year
        (2026, 1, 6, (2026, 3)),
        (2025, 2, 6, (2025, 4)),
        (2025, 3, 6, (2026, 1)),
        (2025, 4, 12, (2025, 4)),
        (2025, 4, 1, (2026, 4)),  # NVIDIA's fiscal year ends in January: Oct-Dec is (nearly) its Nov-Jan Q4
    ],
)
def test_fiscal_quarter_from_calendar_quarter(year: int, quarter: int, end_month: int, fiscal: tuple[int, int]) -> None:
    assert fiscal_from_calendar(year, quarter, end_month) == fiscal


@pytest.mark.parametrize(
    ("text", "company", "reference", "period"),
    [
        ("Lam Research公布2026财年第二财季(截至2025年12月28日)业绩", LAM, None, "FY2026 Q2"),
        ("微软发布了2026财年第二季度财报", MSFT, None, "FY2026 Q2"),
        ("Welcome to the fiscal second quarter 2026 earnings call.", LAM, None, "FY2026 Q2"),
        ("our results for the December quarter", LAM, date(2026, 1, 28), "FY2026 Q2"),
        ("2025年第四季度业绩电话会", META, None, "Q4 2025"),
        ("Meta公布了强劲的四季度业绩", META, date(2026, 1, 28), "Q4 2025"),
        ("the Q3 FY25 earnings call", None, None, "FY2025 Q3"),
        ("Q4 and Full Year 2025 Earnings Call", META, None, "Q4 2025"),
        ("no period at all", None, None, None),
    ],
)
def test_fiscal_period_is_normalised(text: str, company, reference: date | None, period: str | None) -> None:
    assert find_fiscal_period(text, company, None, reference) == period


@pytest.mark.parametrize(
    ("typed", "company", "period"),
    [("FY2026 Q2", None, "FY2026 Q2"), ("Q4 2025", None, "Q4 2025"), ("2026财年第二财季", LAM, "FY2026 Q2"), ("fy26 q2", LAM, "FY2026 Q2"), ("whenever", None, None)],
)
def test_typed_periods_are_normalised(typed: str, company, period: str | None) -> None:
    assert parse_period(typed, company) == period


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("1月28日,Lam Research公布2026财年第二财季(截至2025年12月28日)业绩", date(2026, 1, 29), date(2026, 1, 28)),
        ("NWSC earnings call for the period ending March 30, 2025.\nApril 23, 2025, 4:30 p.m. ET", None, date(2025, 4, 23)),
        ("EVENT DATE/TIME: OCTOBER 22, 2025 / 8:30PM GMT", None, date(2025, 10, 22)),
        ("Date: 2025-10-30", None, date(2025, 10, 30)),
        ("2026年1月28日召开电话会", None, date(2026, 1, 28)),
        ("no date", None, None),
    ],
)
def test_call_date(text: str, reference: date | None, expected: date | None) -> None:
    assert find_call_date(text, None, reference) == expected
