"""The Streamlit app, page by page, with streamlit.testing.v1.AppTest against a store of the samples."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from calls.errors import InputError
from calls.store import Store
from calls.ui.data import store_upload, turn_html, Mark
from tests.conftest import ROOT, TRANSCRIPTS, parsed

APP = str(ROOT / "app.py")
HOSTILE = ROOT / "tests" / "fixtures" / "hostile_markup_call.txt"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("app") / "calls.duckdb"
    with Store(path) as store:
        for source in [*sorted(p for p in TRANSCRIPTS.iterdir() if p.suffix in (".txt", ".json")), HOSTILE]:
            for call in parsed(source):
                store.save(call)
    return path


@pytest.fixture()
def app(database: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CALLS_DB", str(database))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _open(at: AppTest, page: str, call_id: str | None = None) -> AppTest:
    if call_id:
        at.session_state["call_id"] = call_id
    at.switch_page(f"calls/ui/views/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _html(at: AppTest) -> str:
    return "".join(h.proto.body for h in at.get("html"))


def test_calls_page_lists_every_call_and_filters(app: AppTest) -> None:
    table = app.dataframe[0].value
    assert {"LRCX-FY2026Q2", "META-2025Q4", "MSFT-FY2026Q2", "NWSC-FY2026Q2", "ACMW-2026Q1"} <= set(table.id)
    assert list(table.columns) == ["id", "company", "ticker", "period", "date", "language", "analysts", "questions", "guidance", "net_tone"]
    app.text_input(key="calls_filter").input("northwind").run()
    assert set(app.dataframe[0].value.ticker) == {"NWSC"}
    app.text_input(key="calls_filter").input("").run()
    app.multiselect(key="calls_language").select("zh").run()
    assert set(app.dataframe[0].value.language) == {"zh"} and len(app.dataframe[0].value) == 3


def test_review_page_shows_turns_with_roles_and_highlights(app: AppTest) -> None:
    at = _open(app, "review", "LRCX-FY2026Q2")
    assert at.title[0].value == "Lam Research · FY2026 Q2"
    page = _html(at)
    assert "Tim Arcuri</span> <span class=\"role\">analyst · UBS · qa" in page
    assert page.count('<mark class="guidance"') == 10
    assert 'title="revenue FY2026 Q3: 5.4B to 6B USD (non-GAAP)"' in page
    assert page.count('<mark class="non_answer"') > 0
    at.toggle(key="hl_guidance").set_value(False).run()
    assert '<mark class="guidance"' not in _html(at)
    at.radio(key="review_section").set_value("qa").run()
    assert "prepared remarks</span>" not in _html(at)
    at.multiselect(key="hl_themes").select("memory").run()
    assert '<mark class="theme"' in _html(at)


def test_qa_page_shows_13_exchanges_with_tim_arcuri_first(app: AppTest) -> None:
    at = _open(app, "qa", "LRCX-FY2026Q2")
    assert "27 questions in 13 exchanges" in [c.value for c in at.caption]
    cards = re.findall(r"<h4>(.*?)</h4>", _html(at))
    assert cards[0] == "Q1 · exchange 1 · Tim Arcuri (UBS) · non-answer: refuse"
    assert [b.proto.label for b in at.get("download_button")] == ["Download CSV", "Download XLSX"]
    at.checkbox(key="qa_non_answers").check().run()
    assert "6 questions in" in " ".join(c.value for c in at.caption)
    at.checkbox(key="qa_non_answers").uncheck().run()
    at.multiselect(key="qa_analysts").select("Stacy Rasgon").run()
    assert "3 questions in 1 exchanges" in [c.value for c in at.caption]


def test_qa_download_is_the_shown_table(database: Path) -> None:
    from calls.export import qa_frame
    from calls.ui.pages import _download

    with Store(database, read_only=True) as store:
        frame = qa_frame(store, ticker="LRCX")
    again = pd.read_csv(io.BytesIO(_download(frame, "csv")), encoding="utf-8-sig")
    assert list(again.analyst) == list(frame.analyst) and list(again.question) == list(frame.question)


def test_guidance_page_of_microsoft(app: AppTest) -> None:
    at = _open(app, "guidance", "MSFT-FY2026Q2")
    table = at.dataframe[0].value
    revenue = table[(table.metric == "revenue") & table.segment.isna()].iloc[0]
    assert (revenue.low, revenue.high, revenue.guidance) == (80.65e9, 81.75e9, "revenue FY2026 Q3: 80.65B to 81.75B USD")
    assert "No earlier call of this company is stored." in [c.value for c in at.caption]


def test_guidance_page_compares_with_the_previous_quarter(app: AppTest) -> None:
    at = _open(app, "guidance", "NWSC-FY2026Q2")
    changes = at.dataframe[1].value
    raised = changes[changes.status == "raised"].iloc[0]
    assert (raised.metric, raised.previous_low, raised.previous_high, raised.low, raised.high) == ("revenue_growth", 8, 10, 9, 11)


def test_themes_and_tone_page(app: AppTest) -> None:
    at = _open(app, "themes", "META-2025Q4")
    assert len(at.get("vega_lite_chart")) == 2
    readability = at.dataframe[0].value
    assert "characters_per_clause" in readability.columns and "section: qa" in set(readability.group)


def test_compare_page(app: AppTest) -> None:
    at = _open(app, "compare")
    assert at.multiselect(key="compare_tickers").value == ["NWSC"]
    assert len(at.get("vega_lite_chart")) == 4
    quarters = at.dataframe[0].value
    assert list(quarters.fiscal_period) == ["FY2025 Q3", "FY2025 Q4", "FY2026 Q1", "FY2026 Q2"]
    assert {"raised", "lowered", "new", "dropped"} <= set(at.dataframe[1].value.status)
    at.multiselect(key="compare_tickers").select("HBLS").run()
    assert set(at.dataframe[0].value.ticker) == {"NWSC", "HBLS"}


def test_search_in_both_languages(app: AppTest) -> None:
    at = _open(app, "search")
    at.text_input(key="search_phrase").input("毛利率").run()
    results = at.dataframe[0].value
    assert len(results) > 0 and set(results.call_id) <= {"LRCX-FY2026Q2", "META-2025Q4", "MSFT-FY2026Q2"}
    assert all("毛利率" in s for s in results.sentence)
    at.text_input(key="search_phrase").input("gross margin").run()
    english = at.dataframe[0].value
    assert len(english) > 0 and all("gross margin" in s.lower() for s in english.sentence)
    at.text_input(key="search_phrase").input("100%_literally_nowhere").run()
    assert len(at.dataframe[0].value) == 0


def test_upload_page_and_the_upload_function(app: AppTest, database: Path, tmp_path: Path) -> None:
    at = _open(app, "upload")
    assert at.title[0].value == "Upload a transcript"
    assert "up to 50 MB" in at.caption[0].value
    db = tmp_path / "up.duckdb"
    with pytest.raises(InputError, match="this is a PNG image, not a transcript"):
        store_upload("../../etc/passwd.txt", b"\x89PNG\r\n\x1a\n" + bytes(64), db)
    assert not db.exists()  # parsed before the database is opened: nothing written
    [result] = store_upload("../../evil name.txt", (TRANSCRIPTS / "northwind_fy2026q2.txt").read_bytes(), db)
    assert (result.call_id, result.status) == ("NWSC-FY2026Q2", "ingested")
    with Store(db, read_only=True) as store:
        assert store.get("NWSC-FY2026Q2").source.path == "../../evil name.txt"  # recorded as a name, never used as a path
    assert not (tmp_path.parent.parent / "evil name.txt").exists()


def test_hostile_markup_is_shown_as_text(app: AppTest) -> None:
    at = _open(app, "review", "ACMW-2026Q1")
    page = _html(at)
    assert "<script>" not in page and "<img" not in page and "<b>not bold</b>" not in page
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "[click here](http://evil.example/steal)" in page and "<a " not in page


def test_marks_escape_text_and_titles() -> None:
    out = turn_html("a <b> & \"c\"", 100, [Mark(102, 105, "theme", 'x"><script>')])
    assert out == 'a <mark class="theme" title="x&quot;&gt;&lt;script&gt;">&lt;b&gt;</mark> &amp; &quot;c&quot;'
