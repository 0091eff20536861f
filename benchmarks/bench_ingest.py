"""Ingest a generated corpus into a fresh database; calls/s and peak memory beside the tokenizer baseline.

Usage: python benchmarks/bench_ingest.py [--calls N] [--jobs J]

The baseline, measured in the same run on the same files: read each file and
run spaCy's blank tokenizer (jieba for Chinese) over it. The headline is the
ratio of `calls ingest` (parse, analyse, store; J worker processes) to that
baseline (one process). Peak memory is the largest resident size of this
process and of its workers.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import generate  # noqa: E402

from calls.analyse.nlp import pipeline  # noqa: E402
from calls.batch import ingest  # noqa: E402
from calls.ingest import read_path  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        files = generate(args.calls, folder)
        pipeline("zh")
        tokenizers = {"en": spacy.blank("en"), "zh": spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})}
        started = time.perf_counter()
        words = 0
        for path in files:
            document = read_path(path)[0]
            words += len(tokenizers[document.language or "en"](document.text))
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        summary = ingest([folder], Path(tmp) / "bench.duckdb", jobs=args.jobs)
        elapsed = time.perf_counter() - started
        peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size = (Path(tmp) / "bench.duckdb").stat().st_size / 1e6
    print(f"corpus: {len(files)} generated calls, {words} tokens")
    print(f"baseline (read + blank tokenizer, 1 process): {baseline:.2f} s, {len(files) / baseline:.1f} calls/s")
    print(f"calls ingest ({summary.calls} calls stored, {len(summary.failed)} failed): {elapsed:.2f} s, {summary.calls / elapsed:.1f} calls/s")
    print(f"ratio ingest / baseline: {elapsed / baseline:.1f}")
    print(f"peak memory: writer {peak_self:.0f} MB, largest worker {peak_workers:.0f} MB; database {size:.0f} MB")


if __name__ == "__main__":
    main()
