"""The app's pages: Calls, Call review, Q&A, Guidance, Themes and tone, Compare, Search, Upload.

Each page is a plain function over the store; `app.py` only lists them in
`st.navigation`. The selected call travels in `st.session_state["call_id"]`
and the `call` query parameter, so a page can be linked to.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from calls.export import write_frame
from calls.model import Call, Role
from calls.store import StoreError
from calls.ui import data
from calls.ui.data import Mark

PAGES: dict[str, st.Page] = {}


def _path() -> tuple[str, str]:
    path = data.db_path()
    return str(path), data.db_version(path)


def selected_call() -> Call | None:
    """The call chosen on the Calls page (or in the URL), else a prompt to choose one."""
    path, version = _path()
    call_id = st.query_params.get("call") or st.session_state.get("call_id")
    if not call_id:
        table = _calls_table()
        if table is None:
            return None
        call_id = table.id.iloc[0] if len(table) else None
    if not call_id:
        st.info("No call stored yet: upload a transcript or run `calls ingest`.")
        return None
    try:
        chosen = data.call(path, version, call_id)
    except StoreError as error:
        data.store_error(error)
        return None
    st.session_state["call_id"] = chosen.id
    st.query_params["call"] = chosen.id
    return chosen


def open_call(call_id: str, page: str = "review") -> None:
    """Go to a page of a call."""
    st.session_state["call_id"] = call_id
    st.switch_page(PAGES[page], query_params={"call": call_id})


def _calls_table() -> pd.DataFrame | None:
    """Every stored call, or None after showing why the database cannot be read."""
    path, version = _path()
    try:
        return data.calls_table(path, version)
    except StoreError as error:
        data.store_error(error)
        return None


def _header(call: Call) -> None:
    st.title(f"{call.company or call.id} · {call.fiscal_period or ''}")
    st.caption(f"{call.id} · {call.call_date or 'date not stated'} · {call.language} · {call.source.url or call.source.path}")


# Calls -----------------------------------------------------------------------

def calls_page() -> None:
    """Every stored call, filterable and sortable; select one to open it."""
    st.title("Calls")
    table = _calls_table()
    if table is None:
        return
    left, right = st.columns([3, 1])
    text = left.text_input("Filter by company, ticker or period", key="calls_filter")
    languages = right.multiselect("Language", sorted(table.language.unique()), key="calls_language")
    shown = table
    if text:
        needle = text.lower()
        shown = shown[shown[["company", "ticker", "period", "id"]].astype(str).apply(lambda c: c.str.lower().str.contains(needle, regex=False)).any(axis=1)]
    if languages:
        shown = shown[shown.language.isin(languages)]
    st.caption(f"{len(shown)} of {len(table)} calls · select a row to open the call")
    event = st.dataframe(
        shown.reset_index(drop=True), hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="calls_table",
        column_config={"net_tone": st.column_config.NumberColumn("net tone", format="%.3f")},
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        open_call(shown.reset_index(drop=True).id.iloc[rows[0]])


# Call review -------------------------------------------------------------------

def review_page() -> None:
    """The transcript by speaker, with guidance, hedges, non-answers and themes highlighted in place."""
    call = selected_call()
    if call is None:
        return
    _header(call)
    metrics = call.metrics
    columns = st.columns(5)
    columns[0].metric("Net tone", f"{metrics.call.net_tone:.2f}" if metrics and metrics.call.net_tone is not None else "–")
    columns[1].metric("Questions", len(call.qa_pairs))
    columns[2].metric("Non-answers", f"{metrics.non_answers}" if metrics else "–")
    columns[3].metric("Guidance items", len(call.guidance))
    columns[4].metric("Hedges", f"{metrics.call.hedge_density:.1f}" if metrics else "–", help=metrics.density_unit if metrics else None)

    sections = [s.kind.value for s in call.sections if any(t.section == s.kind for t in call.turns)]
    speakers = list(dict.fromkeys(t.speaker for t in call.turns))
    with st.sidebar:
        st.subheader("Navigate")
        section = st.radio("Section", ["all", *sections], format_func=lambda s: s.replace("_", " "), key="review_section")
        chosen = st.multiselect("Speakers", speakers, key="review_speakers")
        st.subheader("Highlight")
        show_guidance = st.toggle("Guidance", value=True, key="hl_guidance")
        show_hedges = st.toggle("Hedges", value=False, key="hl_hedges")
        show_non_answers = st.toggle("Non-answers", value=True, key="hl_non_answers")
        theme_ids = sorted({t.category for t in call.tags if t.kind == "theme"})
        show_themes = st.multiselect("Themes", theme_ids, key="hl_themes")

    marks = _marks(call, show_guidance, show_hedges, show_non_answers, set(show_themes))
    people = {p.name: p for p in call.participants}
    blocks = [data.STYLE]
    for turn in call.turns:
        if section != "all" and turn.section.value != section:
            continue
        if chosen and turn.speaker not in chosen:
            continue
        person = people.get(turn.speaker)
        firm = person.firm if person and person.role == Role.analyst else None
        inside = [m for m in marks if turn.start <= m.start < turn.end]
        blocks.append(data.render_turn(turn.speaker, turn.role.value, firm, turn.section.value, data.turn_html(turn.text, turn.start, inside), f"turn-{turn.index}"))
    st.caption(f"{len(blocks) - 1} turns shown · green: guidance (hover for the parsed range) · yellow: hedges · red: non-answers · blue: themes")
    st.html("".join(blocks))


def _marks(call: Call, guidance: bool, hedges: bool, non_answers: bool, themes: set[str]) -> list[Mark]:
    marks = []
    if guidance:
        marks += [Mark(g.start, g.end, "guidance", data.guidance_label(g)) for g in call.guidance]
    for tag in call.tags:
        if (tag.kind == "hedge" and hedges) or (tag.kind == "non_answer" and non_answers) or (tag.kind == "theme" and tag.category in themes):
            marks.append(Mark(tag.start, tag.end, tag.kind, f"{tag.kind.replace('_', ' ')}: {tag.category}"))
    return marks


# Q&A ---------------------------------------------------------------------------

def qa_page() -> None:
    """One card per Q&A pair; filters; the table as CSV or XLSX."""
    call = selected_call()
    if call is None:
        return
    _header(call)
    path, version = _path()
    table = data.qa_table(path, version, call.id)
    left, middle, right = st.columns(3)
    analysts = left.multiselect("Analyst", list(dict.fromkeys(table.analyst)), key="qa_analysts")
    themes = middle.multiselect("Theme", sorted({t for cell in table.themes for t in cell.split("; ") if t}), key="qa_themes")
    evasive = right.checkbox("Non-answers only", key="qa_non_answers")
    shown = table
    if analysts:
        shown = shown[shown.analyst.isin(analysts)]
    if themes:
        shown = shown[shown.themes.apply(lambda cell: any(t in cell.split("; ") for t in themes))]
    if evasive:
        shown = shown[shown.non_answer.notna()]
    exchanges = shown.exchange.nunique()
    st.caption(f"{len(shown)} questions in {exchanges} exchanges")
    csv_bytes, xlsx_bytes = _download(shown, "csv"), _download(shown, "xlsx")
    one, two = st.columns(2)
    one.download_button("Download CSV", csv_bytes, file_name=f"{call.id}_qa.csv", mime="text/csv", key="qa_csv")
    two.download_button("Download XLSX", xlsx_bytes, file_name=f"{call.id}_qa.xlsx", key="qa_xlsx",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    turns = {t.index: t for t in call.turns}
    pairs = {p.index: p for p in call.qa_pairs}
    blocks = [data.STYLE]
    for row in shown.itertuples():
        pair = pairs[row.pair]
        flag = f" · non-answer: {row.non_answer}" if row.non_answer else ""
        header = f"Q{row.pair} · exchange {row.exchange} · {row.analyst}" + (f" ({row.firm})" if row.firm else "") + flag
        body = [f'<div class="card"><h4>{data.html.escape(header)}</h4>']
        for index in pair.question_turns + pair.answer_turns:
            turn = turns[index]
            body.append(data.render_turn(turn.speaker, turn.role.value, None, "qa", data.html.escape(turn.text), f"qa-{row.pair}-{index}"))
        body.append("</div><hr>")
        blocks.append("".join(body))
    st.html("".join(blocks))


def _download(frame: pd.DataFrame, fmt: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"table.{fmt}"
        write_frame(frame, target, fmt)
        return target.read_bytes()


# Guidance ----------------------------------------------------------------------

def guidance_page() -> None:
    """The call's guidance records, and beside them what the previous quarter guided."""
    call = selected_call()
    if call is None:
        return
    _header(call)
    if not call.guidance:
        st.info("No guidance found in this call.")
        return
    table = pd.DataFrame([{
        "metric": g.metric, "segment": g.segment, "period": g.period, "low": g.low, "high": g.high, "point": g.point,
        "unit": g.unit, "basis": g.basis, "qualifier": g.qualifier, "speaker": g.speaker, "guidance": data.guidance_label(g),
    } for g in call.guidance])
    st.subheader("Guidance in this call")
    st.dataframe(table, hide_index=True, width="stretch", key="guidance_table")
    path, version = _path()
    previous = data.previous_call(path, version, call.id)
    st.subheader("Against the previous quarter")
    if previous is None:
        st.caption("No earlier call of this company is stored.")
        return
    st.caption(f"Compared with {previous.id} ({previous.fiscal_period}): raised / maintained / lowered for the same metric and period; rolled, new, dropped otherwise.")
    st.dataframe(data.compare_with_previous(call, previous), hide_index=True, width="stretch", key="guidance_changes")


# Themes and tone ---------------------------------------------------------------

def themes_page() -> None:
    """Theme shares, tone and hedge density by section and by speaker, readability."""
    call = selected_call()
    if call is None or call.metrics is None:
        return
    _header(call)
    metrics = call.metrics
    shares = pd.DataFrame([{"theme": k, "share of sentences": v} for k, v in metrics.call.themes.items()])
    st.subheader("Themes")
    if len(shares):
        st.altair_chart(alt.Chart(shares).mark_bar().encode(x="share of sentences:Q", y=alt.Y("theme:N", sort="-x")), width="stretch")
    groups = pd.DataFrame([{
        "group": f"{g.scope}: {g.key}", "scope": g.scope, "net tone": g.net_tone, f"hedges {metrics.density_unit}": g.hedge_density,
        f"uncertainty {metrics.density_unit}": g.uncertainty_density, **g.readability,
    } for g in (*metrics.sections, *metrics.speakers)])
    st.subheader("Tone and hedging by section and speaker")
    long = groups.melt(id_vars=["group", "scope"], value_vars=["net tone", f"hedges {metrics.density_unit}"], var_name="measure")
    st.altair_chart(
        alt.Chart(long).mark_bar().encode(x="value:Q", y=alt.Y("group:N", sort=None), color="scope:N", column=alt.Column("measure:N")),
    )
    st.subheader("Readability")
    st.dataframe(groups.drop(columns=["scope"]), hide_index=True, width="stretch", key="readability_table")


# Compare -----------------------------------------------------------------------

def compare_page() -> None:
    """Companies across quarters: tone, hedging, non-answers, themes; guidance changes."""
    st.title("Compare quarters")
    path, version = _path()
    table = _calls_table()
    if table is None:
        return
    tickers = sorted(t for t in table.ticker.dropna().unique())
    counts = table.ticker.value_counts()
    default = [max(tickers, key=lambda t: (counts.get(t, 0), t))] if tickers else []
    chosen = st.multiselect("Companies", tickers, default=default, key="compare_tickers")
    if not chosen:
        return
    frames = []
    for ticker in chosen:
        frame = data.company_quarters(path, version, ticker).copy()
        frame["ticker"] = ticker
        frames.append(frame)
    quarters = pd.concat(frames, ignore_index=True)
    # Companies line up by calendar quarter; one company alone reads by its fiscal quarters.
    axis = "fiscal_period" if len(chosen) == 1 else "calendar_quarter"
    for measure, label in (("net_tone", "Net tone"), ("hedge_density", "Hedge density"), ("non_answer_rate", "Non-answer rate")):
        st.subheader(label)
        st.altair_chart(
            alt.Chart(quarters).mark_line(point=True).encode(x=alt.X(f"{axis}:N", sort=None, title=axis.replace("_", " ")), y=f"{measure}:Q", color="ticker:N"),
            width="stretch",
        )
    theme_columns = [c for c in quarters.columns if c.startswith("theme:")]
    if theme_columns:
        st.subheader("Theme shares")
        themes = quarters.melt(id_vars=[axis, "ticker"], value_vars=theme_columns, var_name="theme", value_name="share")
        themes["theme"] = themes.theme.str.removeprefix("theme:")
        st.altair_chart(
            alt.Chart(themes).mark_line(point=True).encode(x=alt.X(f"{axis}:N", sort=None), y="share:Q", color="theme:N", strokeDash="ticker:N"),
            width="stretch",
        )
    st.subheader("Quarters")
    st.dataframe(quarters, hide_index=True, width="stretch", key="compare_quarters")
    st.subheader("Guidance changes")
    changes = pd.concat([data.company_guidance_changes(path, version, t).assign(ticker=t) for t in chosen], ignore_index=True)
    st.dataframe(changes, hide_index=True, width="stretch", key="compare_guidance")


# Search ------------------------------------------------------------------------

def search_page() -> None:
    """A word or phrase across every stored call, English or Chinese."""
    st.title("Search")
    phrase = st.text_input("Word or phrase", key="search_phrase")
    if not phrase.strip():
        st.caption("Searches every sentence of every stored call.")
        return
    path, version = _path()
    try:
        results = data.search(path, version, phrase.strip())
    except StoreError as error:
        data.store_error(error)
        return
    st.caption(f"{len(results)} sentences · select one to open its call at that turn")
    event = st.dataframe(results, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="search_results")
    rows = event.selection.rows if event is not None else []
    if rows:
        hit = results.iloc[rows[0]]
        st.session_state["review_speakers"] = [hit.speaker]
        open_call(hit.call_id)


# Upload ------------------------------------------------------------------------

def upload_page() -> None:
    """Add a transcript: parsed, analysed and stored, or a clear error and nothing written."""
    from calls.errors import InputError

    st.title("Upload a transcript")
    st.caption(f"Text, Markdown, HTML, PDF, DOCX or transcript-API JSON, up to {data.UPLOAD_LIMIT_MB} MB.")
    upload = st.file_uploader("Transcript", type=["txt", "md", "html", "htm", "pdf", "docx", "json"], key="upload_file")
    if upload is None:
        return
    try:
        results = data.store_upload(upload.name, upload.getvalue())
    except InputError as error:
        st.error(f"{upload.name}: {error.reason}. Nothing was stored.")
        return
    except StoreError as error:
        data.store_error(error)
        return
    st.cache_data.clear()
    for result in results:
        st.success(f"{upload.name}: {result.status} as {result.call_id}")
    if results and st.button("Open it", key="upload_open"):
        open_call(results[0].call_id)


VIEWS = Path(__file__).with_name("views")


def build_pages() -> list[st.Page]:
    """The pages in navigation order (also registered for `open_call`); each is a small script in `views/`."""
    entries = [
        ("calls", "Calls", ":material/table:"),
        ("review", "Call review", ":material/article:"),
        ("qa", "Q&A", ":material/forum:"),
        ("guidance", "Guidance", ":material/trending_up:"),
        ("themes", "Themes and tone", ":material/bar_chart:"),
        ("compare", "Compare", ":material/compare_arrows:"),
        ("search", "Search", ":material/search:"),
        ("upload", "Upload", ":material/upload:"),
    ]
    for key, title, icon in entries:
        PAGES[key] = st.Page(VIEWS / f"{key}.py", title=title, icon=icon, url_path=key, default=key == "calls")
    return list(PAGES.values())
