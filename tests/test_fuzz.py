"""Property tests (Hypothesis) of the segmenter and the guidance parser.

A fixed, seeded budget runs in CI; set CALLS_FUZZ_EXAMPLES for a longer run by hand:
    CALLS_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calls.analyse.figures import find_figures
from calls.analyse.guidance import SentenceContext, TurnState, sentence_guidance
from calls.analyse.periods import calendar_of
from calls.ingest.metadata import company_by_name_or_ticker
from calls.ingest.text import normalise_text
from calls.model import Document, SourceInfo
from calls.segment import segment

EXAMPLES = int(os.environ.get("CALLS_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NAMES = ["Tim Archer", "Tim Arcuri", "C.J. Muse", "OPERATOR", "Operator", "主持人", "操作员", "马克·扎克伯格", "苏珊·李", "Jane Roe", "KennethDorell",
         "Revenue", "Note", "Our priorities", "محمد علي", "Sam 🚀 Ortiz", "Q", "A", ""]
SEPARATORS = [":", "：", " -- ", " - ", ", CEO:", ",首席财务官:", " [3]", ""]
PREFIXES = ["", "Q - ", "A - ", "Q1 ", "Q4:", "  * ", "**", "# "]
TEXTS = ["Thank you.", "我们预计收入为57亿美元,上下浮动3亿美元。", "What is the outlook? And margins?", "Revenue: up 14%", "谢谢。",
         "We expect revenue of $1.2 billion to $1.3 billion.", "", "Question-and-Answer Session", "问答环节", "-----", "Operator [1]",
         "Our first question comes from Wei Zhang with Citi.", "下一个问题来自瑞银集团的Tim Arcuri。请提问。"]


def _document(text: str, language: str = "en") -> Document:
    return Document(text=normalise_text(text), source=SourceInfo(path="fuzz.txt", kind="text"), language=language)


def _check_turns(text: str) -> None:
    call = segment(_document(text))
    previous = 0
    for turn in call.turns:
        assert 0 <= turn.start < turn.end <= len(call.text)
        assert call.text[turn.start: turn.end] == turn.text
        assert turn.start >= previous
        previous = turn.end
    for pair in call.qa_pairs:
        assert all(0 <= i < len(call.turns) for i in pair.question_turns + pair.answer_turns)
    if call.sections:
        assert call.sections[0].start == 0 and call.sections[-1].end == len(call.text)


@FUZZ
@given(st.text(max_size=400))
def test_segmenter_on_random_text(text: str) -> None:
    _check_turns(text)


speaker_line = st.builds(lambda p, n, s, t: f"{p}{n}{s}{t}", st.sampled_from(PREFIXES), st.sampled_from(NAMES), st.sampled_from(SEPARATORS),
                         st.one_of(st.sampled_from(TEXTS), st.text(max_size=40)))


@FUZZ
@given(st.lists(st.one_of(speaker_line, st.sampled_from(TEXTS)), max_size=30), st.sampled_from(["\n", "\n\n", "\r\n"]))
def test_segmenter_on_random_speaker_line_shapes(lines: list[str], newline: str) -> None:
    _check_turns(newline.join(lines))


numbers = st.one_of(
    st.integers(0, 10**6).map(str),
    st.decimals(0, 10_000, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["1,234", "12,345.6", "0.10", "1350", "57", "806.5"]),
)
figure = st.builds(
    lambda pre, a, scale, unit, joiner, b, post: f"{pre}{a}{scale}{unit}{joiner}{b}{scale}{unit}{post}",
    st.sampled_from(["", "$", "约", "approximately ", "超过", "above ", "about "]), numbers,
    st.sampled_from(["", " million", " billion", "B", "M", "亿", "万", "百万", "十亿"]), st.sampled_from(["", "%", "美元", " dollars", "股", " shares"]),
    st.sampled_from([" to ", "至", "-", ", plus or minus ", ",上下浮动", " and ", " "]), numbers, st.sampled_from(["", "左右", " or so", "."]),
)
sentence = st.builds(
    lambda cue, metric, fig, tail: f"{cue}{metric}{fig}{tail}",
    st.sampled_from(["We expect ", "我们预计", "预测", "", "Revenue was ", "Guidance: "]),
    st.sampled_from(["revenue of ", "收入为", "gross margin of ", "毛利率为", "EPS of ", "每股收益为", "capex at ", "资本支出将在收入的", "tax rate of ", "外汇将使增长增加", ""]),
    figure, st.sampled_from(["", " next quarter", "。", " for fiscal 2026.", ",或增长15%至17%。", " low single digits", "中高20%范围内"]),
)


@FUZZ
@given(sentence)
def test_figures_and_guidance_records_are_well_formed(text: str) -> None:
    for language in ("en", "zh"):
        for found in find_figures(text, language):
            assert 0 <= found.start <= found.end <= len(text)
            values = [v for v in (found.low, found.point, found.high) if v is not None]
            assert values == sorted(values), (text, found)
        context = SentenceContext(language, calendar_of("FY2026 Q2", company_by_name_or_ticker("LRCX"), 2026), company_by_name_or_ticker("LRCX"), "Doug Bettinger", 1, 0)
        for record in sentence_guidance(text, context, TurnState()):
            assert record.unit
            present = [v for v in (record.low, record.point, record.high) if v is not None]
            assert present == sorted(present), record
            assert text[record.start: record.end]
