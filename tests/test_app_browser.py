"""The app in a real browser: Debian's Chromium driven by Playwright against `streamlit run app.py`.

The store holds the sample calls, the hostile-markup fixture and 200 generated
calls; the test opens the Calls page, opens a call, opens its Q&A, checks that
markup in a transcript shows as text and runs nothing, uploads a bad file, and
saves screenshots to tests/artifacts/. It prints the time to first render of
the Calls page and to switch between two calls (measured, not asserted).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from calls.store import Store
from tests.conftest import ROOT, TRANSCRIPTS, parsed

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile_markup_call.txt"
# Chromium as root in a closed network: no sandbox, no background connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    assert Path(CHROMIUM).exists(), "Debian's chromium is not installed (.ci/run installs it with apt-get)"
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "calls.duckdb"
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpus import generate

    from calls.batch import ingest

    generate(200, folder / "generated")
    ingest([folder / "generated"], db)
    with Store(db) as store:
        for source in [*sorted(p for p in TRANSCRIPTS.iterdir() if p.suffix in (".txt", ".json")), HOSTILE]:
            for call in parsed(source):
                store.save(call)
        assert len(store.ids()) == 211
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        env={**os.environ, "CALLS_DB": str(db)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("streamlit did not start: " + (process.stdout.read() if process.stdout else ""))
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def page(server: str):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.dialogs = []  # every alert() a page manages to run
        tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
        yield tab
        browser.close()


def _cell(page: Page, text: str):
    """A cell of an st.dataframe grid, by its exact text."""
    return page.locator("[role=gridcell]").filter(has_text=text).first


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def test_calls_call_review_and_qa_in_a_browser(server: str, page: Page, capsys: pytest.CaptureFixture[str]) -> None:
    first_render = _timed(lambda: (page.goto(f"{server}/"), page.get_by_text("of 211 calls").wait_for(timeout=60_000)))
    # The table is drawn on a canvas; the rows in view are also kept in the DOM as grid cells.
    _cell(page, "ACMW-2026Q1").wait_for(state="attached", timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "calls.png"))

    page.get_by_label("Filter by company, ticker or period").fill("LRCX")
    page.keyboard.press("Enter")
    page.get_by_text("1 of 211 calls").wait_for(timeout=30_000)
    _cell(page, "LRCX-FY2026Q2").wait_for(state="attached", timeout=30_000)
    assert _cell(page, "ACMW-2026Q1").count() == 0

    opened = _timed(lambda: (page.goto(f"{server}/review?call=LRCX-FY2026Q2"), page.get_by_text("我们预计收入为57亿美元").first.wait_for(timeout=60_000)))
    assert page.get_by_role("heading", name="Lam Research · FY2026 Q2").is_visible()
    guidance = page.locator("mark.guidance").first
    assert guidance.get_attribute("title") == "wfe CY2026: 135B USD"
    page.screenshot(path=str(ARTIFACTS / "review.png"))

    switch = _timed(lambda: (page.goto(f"{server}/review?call=MSFT-FY2026Q2"), page.get_by_role("heading", name="Microsoft · FY2026 Q2").wait_for(timeout=60_000)))
    switch_back = _timed(lambda: (page.goto(f"{server}/review?call=LRCX-FY2026Q2"), page.get_by_role("heading", name="Lam Research · FY2026 Q2").wait_for(timeout=60_000)))

    page.get_by_role("link", name="Q&A").click()
    page.get_by_text("27 questions in 13 exchanges").wait_for(timeout=60_000)
    assert page.locator("h4").first.inner_text() == "Q1 · exchange 1 · Tim Arcuri (UBS) · non-answer: refuse"
    page.screenshot(path=str(ARTIFACTS / "qa.png"))

    page.goto(f"{server}/compare")
    page.get_by_text("Guidance changes").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # charts draw after the text
    page.screenshot(path=str(ARTIFACTS / "compare.png"))
    with capsys.disabled():
        print(f"\nbrowser, 211 calls stored: Calls page first render {first_render:.2f} s; open a call {opened:.2f} s; "
              f"switch to another call {switch:.2f} s, and back {switch_back:.2f} s")


def test_markup_in_a_transcript_shows_as_text_and_runs_nothing(server: str, page: Page) -> None:
    page.goto(f"{server}/review?call=ACMW-2026Q1")
    page.get_by_text("<script>alert('xss')</script>", exact=False).first.wait_for(timeout=60_000)
    assert page.get_by_text("<img src=x onerror=alert(2)>", exact=False).first.is_visible()
    assert page.get_by_text("[click here](http://evil.example/steal)", exact=False).first.is_visible()
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href='http://evil.example/steal']").count() == 0
    page.wait_for_timeout(500)
    assert page.dialogs == []
    page.screenshot(path=str(ARTIFACTS / "hostile_markup.png"))


def test_uploading_a_bad_file_says_why(server: str, page: Page) -> None:
    page.goto(f"{server}/upload")
    page.get_by_text("up to 50 MB").wait_for(timeout=60_000)
    page.locator("input[type=file]").set_input_files(files=[{"name": "bad.txt", "mimeType": "text/plain", "buffer": b"\x89PNG\r\n\x1a\n" + bytes(64)}])
    page.get_by_text("bad.txt: this is a PNG image, not a transcript. Nothing was stored.").wait_for(timeout=60_000)
