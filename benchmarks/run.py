"""Benchmark calls: each sample transcript, generated corpora through `calls ingest`, and where one call's time goes.

Usage:
    python benchmarks/run.py                  # full: best of 5 per sample; corpora of 100 and 1000 calls
    python benchmarks/run.py --quick          # CI: one run per sample; a corpus of 100 calls
    python benchmarks/run.py [--repeat N] [--sizes 100,1000] [--jobs J] [--json PATH]

Every speed is given beside a baseline measured in the same run on the same
files: read the file (`calls.ingest.read_path`) and run spaCy's blank tokenizer
of its language over the text (jieba's segmenter for Chinese, set up as the
pipeline sets it up). That is the least any spaCy-based analysis has to do, so
the ratio to it says what parsing, segmenting and analysing cost on top of
merely tokenising, on this machine, independently of how fast the machine is.

One table:
  - a row per sample call in transcripts/ (best of N): the pipeline is
    `calls.pipeline.parse_file` (read, segment, analyse);
  - "all samples": the sums, and calls/s;
  - a generated 10,000-word English call (`corpus.long_call`), measured as a sample;
  - a row per generated corpus (`benchmarks/corpus.py`), measured in a fresh
    subprocess so its peak memory is its own: `calls.batch.ingest` into a fresh
    DuckDB file with J workers (one per core by default), then the baseline
    over the same files in that one process; calls stored and failed, peak
    memory of the writer and of the largest worker, database size.
Then a profile in ms of the 10,000-word call and of the largest Chinese sample (reading,
segmenting, tokenising, each spaCy component, the whole analysis, storing),
and the headline ratios. `--json PATH` also writes every figure. Timings are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import spacy
from spacy.language import Language
from spacy.tokens import Doc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import generate, long_call  # noqa: E402

from calls.analyse import analyse, turn_docs  # noqa: E402
from calls.analyse.nlp import pipeline  # noqa: E402
from calls.batch import ingest  # noqa: E402
from calls.ingest import fill_metadata, read_path  # noqa: E402
from calls.pipeline import parse_file  # noqa: E402
from calls.segment import segment  # noqa: E402
from calls.store import Store  # noqa: E402

TRANSCRIPTS = ROOT / "transcripts"
FULL_SIZES, QUICK_SIZES = [100, 1000], [100]
HEADLINE_SIZE = 1000
LONG_CALL_WORDS = 10_000
UNIT = {"en": "words", "zh": "chars"}
T = TypeVar("T")
Row = dict[str, Any]

# The table: header, row key, alignment and width, number format. A missing value leaves the cell blank.
COLUMNS = [
    ("call / corpus", "name", "<22", ""),
    ("lang", "lang", "<5", ""),
    ("size", "size", ">9", ",d"),
    ("unit", "unit", "<5", ""),
    ("baseline s", "baseline_s", ">10", ".3f"),
    ("pipeline s", "pipeline_s", ">10", ".3f"),
    ("ratio", "ratio", ">5", ".1f"),
    ("units/s", "units_per_s", ">9", ",.0f"),
    ("calls/s", "calls_per_s", ">7", ".1f"),
    ("stored", "stored", ">6", "d"),
    ("failed", "failed", ">6", "d"),
    ("writer MB", "writer_mb", ">9", ".0f"),
    ("worker MB", "worker_mb", ">9", ".0f"),
    ("db MB", "db_mb", ">6", ".1f"),
]


# Measuring ---------------------------------------------------------------------------------------------


def timed(work: Callable[[], T]) -> tuple[T, float]:
    """What `work()` returns and how many seconds it took."""
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """The shortest wall time of `repeat` runs of `work()`."""
    return min(timed(work)[1] for _ in range(repeat))


def peak_mb(who: int) -> float:
    """Peak resident memory of this process (RUSAGE_SELF) or of its largest finished child (RUSAGE_CHILDREN), in MB."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def blank_tokenizers() -> dict[str, Language]:
    """The baseline's tokenizers: spaCy's blank pipeline per language, jieba for Chinese; loaded and warmed up."""
    pipeline("zh")  # sets jieba up (quiet, its dictionary cache) as the analysis does
    tokenizers = {"en": spacy.blank("en"), "zh": spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})}
    for nlp in tokenizers.values():
        nlp("Warm up: jieba loads its dictionary on first use. 预热。")
    return tokenizers


def read(path: Path) -> tuple[str, str]:
    """A file's language and text, as the reader gives them."""
    document = read_path(path)[0]
    return document.language or "en", document.text


def baseline(path: Path, tokenizers: dict[str, Language]) -> Doc:
    """The baseline's work for one file: read it and run the blank tokenizer of its language over the text."""
    language, text = read(path)
    return tokenizers[language](text)


def units(language: str, text: str) -> int:
    """A text's size: words for English, CJK characters for Chinese."""
    if language == "zh":
        return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return len(text.split())


# Samples -----------------------------------------------------------------------------------------------


def sample_files() -> list[Path]:
    """The sample transcripts."""
    return sorted(p for p in TRANSCRIPTS.iterdir() if p.suffix in (".txt", ".json"))


def measure_sample(path: Path, repeat: int, tokenizers: dict[str, Language]) -> Row:
    """Best of `repeat` runs of the baseline and of the pipeline over one sample call."""
    [call], _ = parse_file(path)  # also warms up the pipeline before timing
    size = units(call.language, call.text)
    base = best_of(repeat, partial(baseline, path, tokenizers))
    full = best_of(repeat, partial(parse_file, path))
    return {
        "name": path.stem, "file": path.name, "path": str(path), "lang": call.language, "size": size, "unit": UNIT[call.language],
        "baseline_s": base, "pipeline_s": full, "ratio": full / base, "units_per_s": size / full,
    }


def total(rows: list[Row]) -> Row:
    """The "all samples" row: sums, and calls per second."""
    base, full, size = (sum(r[key] for r in rows) for key in ("baseline_s", "pipeline_s", "size"))
    return {
        "name": "all samples", "lang": "+".join(sorted({r["lang"] for r in rows})), "size": size, "unit": "mixed",
        "baseline_s": base, "pipeline_s": full, "ratio": full / base, "units_per_s": size / full,
        "calls_per_s": len(rows) / full,
    }


# Corpora -----------------------------------------------------------------------------------------------


def measure_corpus(count: int, jobs: int | None) -> Row:
    """Generate `count` calls and measure them in a fresh subprocess, so the peak memory is this size's own."""
    with tempfile.TemporaryDirectory(prefix="calls-bench-") as tmp:
        folder = Path(tmp) / "corpus"
        generate(count, folder)
        command = [sys.executable, str(Path(__file__).resolve()), "--ingest-one", str(folder)]
        if jobs:
            command += ["--jobs", str(jobs)]
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    figures = json.loads(done.stdout.splitlines()[-1])
    return {"name": f"corpus of {count} calls", "calls": count, **figures}


def ingest_one(folder: Path, jobs: int | None) -> Row:
    """In the subprocess: ingest `folder` into a fresh database, then the baseline over the same files.

    Ingest runs first, so the writer's peak memory and its (forked) workers carry nothing of the baseline.
    """
    files = sorted(p for p in folder.iterdir() if p.is_file())
    jobs = jobs or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="calls-bench-db-") as tmp:
        db = Path(tmp) / "bench.duckdb"
        summary, seconds = timed(lambda: ingest([folder], db, jobs=jobs))
        writer, worker = peak_mb(resource.RUSAGE_SELF), peak_mb(resource.RUSAGE_CHILDREN)
        with Store(db, read_only=True) as store:
            stored = len(store.ids())
        db_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
    tokenizers = blank_tokenizers()
    base = timed(lambda: [baseline(path, tokenizers) for path in files])[1]
    texts = [read(path) for path in files]
    size = sum(units(language, text) for language, text in texts)
    return {
        "lang": "+".join(sorted({language for language, _ in texts})), "size": size, "unit": "mixed", "jobs": jobs,
        "stored": stored, "failed": len(summary.failed), "baseline_s": base, "ingest_s": seconds,
        "ratio": seconds / base, "calls_per_s": stored / seconds, "units_per_s": size / seconds,
        "baseline_calls_per_s": len(files) / base, "writer_mb": writer,
        "worker_mb": worker if jobs > 1 and len(files) > 1 else None,  # one job parses in the writer itself
        "db_mb": db_mb,
    }


# Profile -----------------------------------------------------------------------------------------------


def run_component(component: Callable[[Doc], Doc], docs: list[Doc]) -> list[Doc]:
    """One pipeline component over every Doc."""
    return [component(doc) for doc in docs]


def profile_round(path: Path) -> dict[str, float]:
    """One timing of each step through one call, in seconds: read, segment, tokenise, each component, analyse, store."""
    seconds: dict[str, float] = {}
    document, seconds["read + metadata"] = timed(lambda: fill_metadata(read_path(path)[0]))
    call, seconds["segment"] = timed(lambda: segment(document))
    nlp = pipeline(call.language)
    (_, docs), seconds["tokenize (make_doc)"] = timed(lambda: turn_docs(call))
    for name, component in nlp.pipeline:  # each component over every turn, in pipeline order
        docs, seconds[name] = timed(partial(run_component, component, docs))
    analysed, seconds["analyse total"] = timed(lambda: analyse(call))
    with tempfile.TemporaryDirectory(prefix="calls-bench-store-") as tmp, Store(Path(tmp) / "profile.duckdb") as store:
        seconds["store"] = timed(lambda: store.save(analysed))[1]
    return seconds


def profile(sample: Row, repeat: int) -> list[Row]:
    """Where a sample call's time goes, in ms: the best of `repeat` rounds after one warm-up round."""
    rounds = [profile_round(Path(sample["path"])) for _ in range(repeat + 1)][1:]
    components = set(pipeline(sample["lang"]).pipe_names)
    return [
        {"name": sample["name"], "lang": sample["lang"], "step": step, "component": step in components,
         "ms": min(r[step] for r in rounds) * 1000}
        for step in rounds[0]
    ]


# Printing ----------------------------------------------------------------------------------------------


def table_line(row: Row) -> str:
    """One row of the table; blank cells where the row has no figure."""
    cells = []
    for _, key, width, number in COLUMNS:
        value = row.get(key)
        cells.append(format("" if value is None else value, width + (number if value is not None else "")))
    return " ".join(cells).rstrip()


def print_table(samples: list[Row], samples_total: Row, long: Row, corpora: list[Row], repeat: int, sample_peak: float) -> None:
    """The samples, their sum, the long call and the corpora in one table, with what the columns mean."""
    header = " ".join(format(title, width) for title, _, width, _ in COLUMNS)
    print(header)
    print("-" * len(header))
    for row in samples:
        print(table_line(row))
    print(table_line(samples_total))
    print(table_line(long))
    for row in corpora:
        print(table_line({**row, "pipeline_s": row["ingest_s"]}))
    jobs = ", ".join(sorted({str(row["jobs"]) for row in corpora})) or "-"
    print()
    print("baseline   read the file (calls.ingest.read_path) + spaCy's blank tokenizer (jieba for Chinese), one process;")
    print(f"           samples best of {repeat}, corpora one run over every file.")
    print("pipeline   samples: calls.pipeline.parse_file (read, segment, analyse), best of the same runs;")
    print(f"           corpora: calls.batch.ingest (parse, analyse, store into a fresh DuckDB file) with {jobs} worker(s).")
    print("ratio      pipeline s / baseline s.  size, units/s: English words (split on whitespace), Chinese CJK characters;")
    print("           mixed = the two summed, so a corpus's units/s are its words/s in that sense.")
    print("memory     peak RSS of the ingest subprocess (the writer) and of its largest worker (RUSAGE_CHILDREN);")
    print(f"           this process peaked at {sample_peak:.0f} MB measuring the samples.")


def print_profile(rows: list[Row], repeat: int) -> None:
    """The profile: a row per step, a column per profiled call (blank where its pipeline has no such component)."""
    names = list(dict.fromkeys(r["name"] for r in rows))
    titles = [f"{r['name']} ({r['lang']})" for r in rows if r["step"] == rows[0]["step"]]
    components = {r["step"] for r in rows if r["component"]}
    ms = {(r["name"], r["step"]): f"{r['ms']:.1f}" for r in rows}
    print(f"\n{f'profile ms, best of {repeat}':24} " + " ".join(titles))
    for step in dict.fromkeys(r["step"] for r in rows):
        label = f"  {step}" if step in components else step
        cells = [f"{ms.get((name, step), ''):>{len(title)}}" for name, title in zip(names, titles, strict=True)]
        print(f"{label:24} {' '.join(cells)}".rstrip())


def largest(samples: list[Row], lang: str) -> Row | None:
    """The sample of that language with the most words (English) or characters (Chinese)."""
    return max((r for r in samples if r["lang"] == lang), key=lambda r: r["size"], default=None)


def headline(long: Row, corpora: list[Row]) -> Row:
    """The ratios to quote: the 10,000-word call, and the 1000-call corpus (else the largest one measured)."""
    corpus = next((c for c in corpora if c["calls"] == HEADLINE_SIZE), max(corpora, key=lambda c: c["calls"], default=None))
    line = {"long_call_words": long["size"], "long_call_ratio": long["ratio"], "long_call_words_per_s": long["units_per_s"]}
    if corpus:
        line |= {"corpus_calls": corpus["calls"], "corpus_ratio": corpus["ratio"], "corpus_s": corpus["ingest_s"]}
    return line


def print_headline(line: Row) -> None:
    """The headline ratios, last."""
    print(
        f"\nheadline: pipeline / baseline {line['long_call_ratio']:.1f} on a {line['long_call_words']:,}-word English call"
        f" ({line['long_call_words_per_s']:,.0f} words/s)"
    )
    if "corpus_calls" in line:
        print(f"          ingest / baseline {line['corpus_ratio']:.1f} on the {line['corpus_calls']}-call corpus ({line['corpus_s']:.1f} s)")


# Command -----------------------------------------------------------------------------------------------


def sizes_option(value: str) -> list[int]:
    """`100,1000` as [100, 1000]."""
    return [int(part) for part in value.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI: one run per sample, a corpus of 100 calls")
    parser.add_argument("--repeat", type=int, help="runs per sample and profile step, the best kept (default 5; 1 with --quick)")
    parser.add_argument("--sizes", type=sizes_option, help="corpus sizes, comma-separated (default 100,1000; 100 with --quick)")
    parser.add_argument("--jobs", type=int, help="ingest workers (default: one per core)")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--ingest-one", type=Path, help=argparse.SUPPRESS)  # internal: the per-corpus subprocess
    args = parser.parse_args()
    if args.ingest_one:
        print(json.dumps(ingest_one(args.ingest_one, args.jobs)))
        return
    repeat = args.repeat or (1 if args.quick else 5)
    sizes = args.sizes if args.sizes is not None else (QUICK_SIZES if args.quick else FULL_SIZES)

    tokenizers = blank_tokenizers()
    samples = [measure_sample(path, repeat, tokenizers) for path in sample_files()]
    with tempfile.TemporaryDirectory(prefix="calls-bench-long-") as tmp:
        long = measure_sample(long_call(LONG_CALL_WORDS, Path(tmp)), repeat, tokenizers)
        long["name"] = f"{LONG_CALL_WORDS:,}-word call"
        sample_peak = peak_mb(resource.RUSAGE_SELF)
        profiles = [step for row in (long, largest(samples, "zh")) if row for step in profile(row, repeat)]
    corpora = []
    for count in sizes:
        print(f"measuring a corpus of {count} calls ...", file=sys.stderr, flush=True)
        corpora.append(measure_corpus(count, args.jobs))

    samples_total = total(samples)
    line = headline(long, corpora)
    print_table(samples, samples_total, long, corpora, repeat, sample_peak)
    print_profile(profiles, repeat)
    print_headline(line)
    if args.json:
        settings = {
            "repeat": repeat, "sizes": sizes, "jobs": args.jobs or os.cpu_count(), "cores": os.cpu_count(),
            "python": platform.python_version(), "spacy": spacy.__version__, "sample_peak_mb": sample_peak,
        }
        figures = {
            "settings": settings, "samples": samples, "samples_total": samples_total, "long_call": long,
            "corpora": corpora, "profile": profiles, "headline": line,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
