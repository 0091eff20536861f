"""Exports (tables, filters, formats, formula neutralising) and the quarter and guidance comparison."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from calls.compare import guidance_changes, quarters
from calls.export import TABLES, analysts_frame, qa_frame, qa_rows_frame, write_frame
from calls.model import Call
from calls.store import Store
from tests.conftest import GOLD, SEED_FEED, TRANSCRIPTS, parsed

SAMPLES = sorted(p for p in TRANSCRIPTS.iterdir() if p.suffix in (".txt", ".json"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("db") / "calls.duckdb"
    with Store(path) as writer:
        for sample in [*SAMPLES, SEED_FEED]:
            for call in parsed(sample):
                writer.save(call)
    opened = Store(path, read_only=True)
    yield opened
    opened.close()


def test_qa_export_has_one_row_per_pair_with_full_text(store: Store, tmp_path: Path) -> None:
    seeds = {c.id: c for c in parsed(SEED_FEED)}
    frame = qa_frame(store, language="zh")
    assert len(frame) == sum(len(c.qa_pairs) for c in seeds.values())
    first = frame.iloc[0]
    lam = seeds["LRCX-FY2026Q2"]
    pair = lam.qa_pairs[0]
    assert (first.call_id, first.analyst, first.firm) == ("LRCX-FY2026Q2", "Tim Arcuri", "UBS")
    assert first.question == lam.turns[pair.question_turns[0]].text
    assert first.answer.startswith("Doug Bettinger: " + lam.turns[pair.answer_turns[0]].text[:20])
    assert first.non_answer == "refuse" and "拒绝这样做" in first.non_answer_cues
    path = tmp_path / "qa.csv"
    write_frame(frame, path, "csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so Excel shows Chinese
    again = pd.read_csv(path, encoding="utf-8-sig")
    assert list(again.question) == list(frame.question)


def test_xlsx_keeps_chinese_and_freezes_the_header(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "qa.xlsx"
    frame = qa_frame(store, ticker="MSFT")
    write_frame(frame, path, "xlsx")
    sheet = load_workbook(path).active
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]][:3] == ["call_id", "company", "ticker"]
    assert sheet.cell(row=2, column=11).value == frame.question.iloc[0]
    assert sheet.cell(row=2, column=2).value == "Microsoft" and "摩根士丹利" not in str(sheet.cell(row=2, column=10).value)
    assert "我看微软的财报" in sheet.cell(row=2, column=11).value  # Chinese text intact
    assert 10 <= sheet.column_dimensions["K"].width <= 60


def test_formula_cells_are_neutralised_and_numbers_stay_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame({"question": ["=HYPERLINK(\"http://x\")", "+1", "-2 cells", "@SUM", "\tx", "plain"], "on_topic": [0.5, 1.0, -0.25, 0.0, 0.1, 0.2]})
    write_frame(frame, tmp_path / "f.csv", "csv")
    rows = (tmp_path / "f.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[1].startswith("\"'=HYPERLINK") and rows[2].startswith("'+1") and rows[3].startswith("'-2 cells")
    assert rows[3].endswith(",-0.25")
    write_frame(frame, tmp_path / "f.xlsx", "xlsx")
    sheet = load_workbook(tmp_path / "f.xlsx").active
    assert [sheet.cell(row=r, column=1).value for r in range(2, 8)] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2 cells", "'@SUM", "'\tx", "plain"]
    assert sheet.cell(row=4, column=2).value == -0.25


def test_every_table_in_every_format(store: Store, tmp_path: Path) -> None:
    for name, make in TABLES.items():
        frame = make(store, ticker="LRCX")
        assert len(frame) > 0, name
        for fmt in ("csv", "xlsx", "parquet", "json"):
            path = tmp_path / f"{name}.{fmt}"
            write_frame(frame, path, fmt)
            assert path.stat().st_size > 0
        assert len(pd.read_parquet(tmp_path / f"{name}.parquet")) == len(frame)
        assert len(json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))) == len(frame)


def test_filters(store: Store) -> None:
    assert set(qa_frame(store, ticker="nwsc").fiscal_period) == {"FY2025 Q3", "FY2025 Q4", "FY2026 Q1", "FY2026 Q2"}
    assert set(qa_frame(store, ticker="NWSC", period_from="FY2025 Q4", period_to="FY2026 Q1").fiscal_period) == {"FY2025 Q4", "FY2026 Q1"}
    assert set(qa_frame(store, language="en").language) == {"en"}
    with pytest.raises(ValueError, match="cannot read the period"):
        qa_frame(store, period_from="soon")


def test_qa_rows_split_answers_into_parts(store: Store) -> None:
    rows = qa_rows_frame(store, ticker="NWSC", period_to="FY2025 Q3")
    first_pair = rows[rows.pair_id == "NWSC-FY2025Q3#1"]
    assert list(first_pair.answer_speaker) == ["Daniel Okafor", "Priya Raman"]
    assert list(first_pair.part) == [1, 2]


def test_analysts_across_calls(store: Store) -> None:
    frame = analysts_frame(store)
    stone = frame[frame.analyst == "Rebecca Stone"].iloc[0]
    assert stone.firm == "Morgan Stanley" and stone.call_count >= 4
    assert "LRCX-FY2026Q2" in frame[frame.analyst == "Tim Arcuri"].iloc[0].calls


def _same_number(a: float | None, b: float | None) -> bool:
    missing = lambda v: v is None or (isinstance(v, float) and math.isnan(v))  # noqa: E731
    return (missing(a) and missing(b)) or (not missing(a) and not missing(b) and abs(a - b) <= 1e-6 * max(1.0, abs(b)))


@pytest.mark.parametrize("ticker", ["NWSC", "HBLS"])
def test_guidance_comparison_matches_the_gold(store: Store, ticker: str) -> None:
    gold = json.loads((GOLD / "compare.json").read_text(encoding="utf-8"))[ticker]
    expected = [dict(change, call=step["call"], previous=step["previous"]) for step in gold for change in step["changes"]]
    found = guidance_changes(store, ticker).to_dict("records")
    assert len(found) == len(expected)
    for got, want in zip(found, expected, strict=True):
        for key in ("call", "previous", "metric", "period", "status", "previous_period"):
            assert (got[key] if isinstance(got[key], str) else None) == want[key], (key, got, want)
        for key in ("previous_low", "previous_high", "low", "high"):
            assert _same_number(got[key], want[key]), (key, got, want)


def test_quarters_in_fiscal_order_with_changes(store: Store) -> None:
    frame = quarters(store, "NWSC")
    assert list(frame.fiscal_period) == ["FY2025 Q3", "FY2025 Q4", "FY2026 Q1", "FY2026 Q2"]
    assert list(frame.calendar_quarter) == ["CY2025 Q1", "CY2025 Q2", "CY2025 Q3", "CY2025 Q4"]
    assert list(frame.questions) == [7, 8, 7, 7]
    assert list(frame.analysts) == [5, 6, 5, 5]
    assert math.isnan(frame["change:net_tone"].iloc[0])
    assert frame["change:net_tone"].iloc[1] == round(frame.net_tone.iloc[1] - frame.net_tone.iloc[0], 4)
    lam = quarters(store, "LRCX")
    assert list(lam.calendar_quarter) == ["CY2025 Q4"] and lam.questions.iloc[0] == 27


def test_calls_of_two_languages_line_up(tmp_path: Path) -> None:
    """A Chinese and an English transcript of one company compare: the metrics and guidance are language-neutral."""
    lam: Call = parsed(SEED_FEED)[0]
    english = parsed(TRANSCRIPTS / "northwind_fy2026q2.txt")[0].model_copy(
        update={"id": "LRCX-FY2026Q3", "company": "Lam Research", "ticker": "LRCX", "fiscal_period": "FY2026 Q3"}
    )
    with Store(tmp_path / "two.duckdb") as store:
        store.save(lam)
        store.save(english)
        frame = quarters(store, "LRCX")
        assert list(frame.language) == ["zh", "en"]
        changes = guidance_changes(store, "LRCX")
        assert set(changes.status) <= {"raised", "maintained", "lowered", "rolled", "new", "dropped"}
        # The Chinese call guided FY2026 Q3 revenue; the English one guides the same quarter: the two are matched.
        revenue = changes[(changes.metric == "revenue") & (changes.period == "FY2026 Q3")].iloc[0]
        assert (revenue.previous_low, revenue.previous_high, revenue.status) == (5.4e9, 6.0e9, "lowered")
