"""Guidance records: figures, periods, the issue's acceptance records, and precision/recall on every gold file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calls.analyse.figures import find_figures
from calls.analyse.lexicons import guidance_rules
from calls.analyse.periods import calendar_of, period_mentions
from calls.ingest.metadata import company_by_name_or_ticker
from calls.model import Call, Guidance
from tests.conftest import GOLD, ROOT, gold_files, load_gold, parsed

# The bar the gold guidance must clear (precision and recall each).
BAR = 0.9


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("We expect revenue of $5.7 billion, plus or minus $300 million.", "en", (5.4e9, 6.0e9, 5.7e9, "USD")),
        ("我们预计收入为57亿美元,上下浮动3亿美元。", "zh", (5.4e9, 6.0e9, 5.7e9, "USD")),
        ("我们预计毛利率为49%,上下浮动一个百分点。", "zh", (48, 50, 49, "%")),
        ("$80.65 billion to $81.75 billion", "en", (80.65e9, 81.75e9, 81.2e9, "USD")),
        ("806.5亿至817.5亿美元", "zh", (80.65e9, 81.75e9, 81.2e9, "USD")),
        ("between $5.4 and $6.0 billion", "en", (5.4e9, 6.0e9, 5.7e9, "USD")),
        ("approximately $345 million", "en", (345e6, 345e6, 345e6, "USD")),
        ("约12.6亿股", "zh", (1.26e9, 1.26e9, 1.26e9, "shares")),
        ("1350亿美元左右", "zh", (135e9, 135e9, 135e9, "USD")),
        ("增长超过40%", "zh", (40, None, None, "%")),
        ("up 15% to 17%", "en", (15, 17, 16, "%")),
        ("$1.95, plus or minus $0.15", "en", (1.8, 2.1, 1.95, "USD")),
        ("1.35美元,上下浮动0.10美元", "zh", (1.25, 1.45, 1.35, "USD")),
        ("low single digits", "en", (1, 3, 2, "%")),
        ("十几的低位到中位", "zh", (11, 16, 13.5, "%")),
        ("中高20%范围内", "zh", (24, 29, 26.5, "%")),
        ("不到一个百分点", "zh", (None, 1, None, "pp")),
        ("$2.5bn", "en", (2.5e9, 2.5e9, 2.5e9, "USD")),
        ("50 basis points", "en", (0.5, 0.5, 0.5, "pp")),
        # Found by the fuzz test: a range written high to low still has low <= high.
        ("$5 to $3 billion", "en", (3e9, 5e9, 4e9, "USD")),
    ],
)
def test_figures(text: str, language: str, expected: tuple) -> None:
    [figure] = [f for f in find_figures(text, language) if f.unit]
    assert (figure.low, figure.high, figure.point, figure.unit) == expected


def test_years_and_product_names_are_not_figures() -> None:
    assert find_figures("In 2026 we ship GPT-5.2 on M365 in Q3.", "en") == []
    assert find_figures("2026年第一季度", "zh") == []


@pytest.mark.parametrize("entry", guidance_rules().qualitative, ids=lambda e: e.words[0])
def test_every_qualitative_range_reads_in_both_spellings(entry) -> None:
    for words in entry.words:
        language = "en" if words.isascii() else "zh"
        [figure] = find_figures(words, language)
        assert (figure.low, figure.high) == tuple(entry.range), words


@pytest.mark.parametrize(
    ("ticker", "period", "text", "language", "expected"),
    [
        ("LRCX", "FY2026 Q2", "our outlook for the March quarter", "en", ["FY2026 Q3"]),
        ("LRCX", "FY2026 Q2", "让我们转向2026年3月季度的非公认会计准则指导", "zh", ["FY2026 Q3"]),
        ("LRCX", "FY2026 Q2", "2026日历年的税率", "zh", ["CY2026"]),
        ("MSFT", "FY2026 Q2", "现在,转向我们的第三季度展望", "zh", ["FY2026 Q3"]),
        ("META", "Q4 2025", "我们预计2026年全年总支出", "zh", ["FY2026"]),
        ("META", "Q4 2025", "next quarter and fiscal 2027", "en", ["Q1 2026", "FY2027"]),
        ("HBLS", "Q3 2025", "full-year operating margin", "en", ["FY2025"]),
    ],
)
def test_periods_resolve_against_the_call(ticker: str, period: str, text: str, language: str, expected: list[str]) -> None:
    calendar = calendar_of(period, company_by_name_or_ticker(ticker), None)
    assert [m.period for m in period_mentions(text, language, calendar)] == expected


def _find(call: Call, metric: str, **fields) -> Guidance:
    for record in call.guidance:
        if record.metric == metric and all(getattr(record, k) == v for k, v in fields.items()):
            return record
    raise AssertionError(f"no {metric} {fields} in {[(g.metric, g.segment, g.period, g.low, g.high) for g in call.guidance]}")


def test_acceptance_records_of_the_seed_calls(seed_calls: tuple[Call, ...]) -> None:
    lam, meta, microsoft = seed_calls
    assert (_find(lam, "revenue", period="FY2026 Q3").low, _find(lam, "revenue", period="FY2026 Q3").high) == (5.4e9, 6.0e9)
    assert _find(lam, "revenue", period="FY2026 Q3").point == 5.7e9
    assert _find(lam, "gross_margin", period="FY2026 Q3", low=48, high=50, point=49).unit == "%"
    assert _find(lam, "operating_margin", period="FY2026 Q3", low=33, high=35, point=34).unit == "%"
    assert _find(lam, "eps", period="FY2026 Q3", low=1.25, high=1.45, point=1.35).unit == "USD/share"
    assert _find(lam, "capex", low=4, high=5).unit == "% of revenue"
    assert _find(lam, "wfe", period="CY2026", point=135e9).unit == "USD"
    assert _find(lam, "revenue_growth", segment="Advanced packaging", low=40, high=None).qualifier == "超过"
    assert _find(meta, "revenue", period="Q1 2026", low=53.5e9, high=56.5e9)
    assert _find(meta, "total_expenses", period="FY2026", low=162e9, high=169e9)
    assert _find(meta, "capex", period="FY2026", low=115e9, high=135e9)
    assert _find(meta, "tax_rate", period="FY2026", low=13, high=16)
    assert _find(microsoft, "revenue", segment=None, period="FY2026 Q3", low=80.65e9, high=81.75e9)
    assert _find(microsoft, "cogs", period="FY2026 Q3", low=26.65e9, high=26.85e9)
    assert _find(microsoft, "operating_expenses", period="FY2026 Q3", low=17.8e9, high=17.9e9)
    assert _find(microsoft, "tax_rate", period="FY2026 Q3", point=19)
    assert _find(microsoft, "revenue", segment="Intelligent Cloud", low=34.1e9, high=34.4e9)
    assert _find(microsoft, "revenue_growth", segment="Azure", low=37, high=38).basis == "constant currency"
    assert _find(microsoft, "revenue", segment="More Personal Computing", low=12.3e9, high=12.8e9)
    reported = {(g.metric, g.point) for g in lam.guidance}
    for metric, value in [("revenue", 5.34e9), ("gross_margin", 49.7), ("eps", 1.27)]:
        assert (metric, value) not in reported


def test_analysts_numbers_are_not_guidance(seed_calls: tuple[Call, ...]) -> None:
    for call in seed_calls:
        speakers = {p.name: p.role.value for p in call.participants}
        assert {speakers[g.speaker] for g in call.guidance} <= {"executive", "investor_relations"}


def _key(record: dict) -> tuple:
    return (record["metric"], record.get("segment"), record["period"], record["low"], record["high"], record["unit"])


def _same(found: dict, gold: dict) -> bool:
    def close(a: float | None, b: float | None) -> bool:
        return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= 1e-6 * max(1.0, abs(b)))

    return _key(found)[:3] + _key(found)[5:] == _key(gold)[:3] + _key(gold)[5:] and close(found["low"], gold["low"]) and close(found["high"], gold["high"])


def _gold_guidance() -> list[tuple[Path, list[dict]]]:
    pairs = [(ROOT / load_gold(p)["file"], load_gold(p)["guidance"]) for p in gold_files() if "guidance" in load_gold(p)]
    pairs += [(ROOT / "transcripts" / p.name.replace(".guidance.json", ".txt"), json.loads(p.read_text(encoding="utf-8"))) for p in sorted(GOLD.glob("*.guidance.json"))]
    return pairs


def test_guidance_precision_and_recall_on_the_gold(capsys: pytest.CaptureFixture[str]) -> None:
    rows = []
    totals = [0, 0, 0]
    for path, gold in _gold_guidance():
        # The record shape cannot tell apart two statements of the same figure ("COGS and opex growth +2 points"): compare distinct records.
        distinct = list({_key(g): g for g in gold}.values())
        [call] = parsed(path)
        found = [g.model_dump() for g in call.guidance]
        matched = set()
        hits = 0
        for record in distinct:
            index = next((i for i, f in enumerate(found) if i not in matched and _same(f, record)), None)
            if index is not None:
                matched.add(index)
                hits += 1
        rows.append((path.stem, hits, len(found) - hits, len(distinct) - hits))
        totals = [totals[0] + hits, totals[1] + len(found) - hits, totals[2] + len(distinct) - hits]
    precision = totals[0] / (totals[0] + totals[1])
    recall = totals[0] / (totals[0] + totals[2])
    with capsys.disabled():
        print("\nguidance vs gold          found-right  extra  missed")
        for stem, tp, fp, fn in rows:
            print(f"  {stem:24} {tp:11} {fp:6} {fn:7}")
        print(f"  precision {precision:.3f}  recall {recall:.3f}  (bar {BAR})")
    assert precision >= BAR and recall >= BAR
