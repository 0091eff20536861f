"""Time the whole pipeline on the sample calls against spaCy's blank tokenizer over the same text.

Usage: python benchmarks/bench_pipeline.py [--repeat N] [--quick]

For every sample transcript it reports the best of N runs of
  baseline: read the file and run the language's blank spaCy tokenizer
            (jieba for Chinese, as the pipeline uses) over the text;
  pipeline: read, segment and fully analyse the file (calls.pipeline.parse_file);
and their ratio, words (English) or characters (Chinese) per second, and the
process's peak memory. Then a profile of the largest call: reading, segmenting,
and each analysis component. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from calls.analyse import analyse  # noqa: E402
from calls.analyse.components import context  # noqa: E402,F401
from calls.analyse.nlp import pipeline  # noqa: E402
from calls.ingest import fill_metadata, read_path  # noqa: E402
from calls.pipeline import parse_file  # noqa: E402
from calls.segment import segment  # noqa: E402


def best_of(repeat: int, work) -> float:
    """The shortest wall time of `repeat` runs of `work()`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def blank_tokenizer(language: str) -> spacy.language.Language:
    """spaCy's blank pipeline for the language: its tokenizer only."""
    if language == "zh":
        pipeline("zh")  # sets up jieba's dictionary the same way
        return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    return spacy.blank("en")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one run each, for CI")
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    files = sorted(p for p in (ROOT / "transcripts").iterdir() if p.suffix in (".txt", ".json"))
    tokenizers = {lang: blank_tokenizer(lang) for lang in ("en", "zh")}
    for lang in ("en", "zh"):  # load pipelines and lexicons before timing
        pipeline(lang)
    parse_file(files[0])

    print(f"{'call':26} {'lang':4} {'size':>8} {'baseline s':>10} {'pipeline s':>10} {'ratio':>6} {'units/s':>9}")
    total_base = total_pipe = 0.0
    largest = (0, files[0])
    for path in files:
        [call], _ = parse_file(path)
        text = call.text
        size = len(text.split()) if call.language == "en" else sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
        tokenizer = tokenizers[call.language]

        def baseline() -> None:
            tokenizer(read_path(path)[0].text)

        base = best_of(repeat, baseline)
        full = best_of(repeat, lambda: parse_file(path))
        total_base += base
        total_pipe += full
        largest = max(largest, (len(text), path))
        unit = "words" if call.language == "en" else "chars"
        print(f"{path.stem:26} {call.language:4} {size:>8} {base:10.4f} {full:10.4f} {full / base:6.1f} {size / full:9.0f} {unit}")
    print(f"{'all samples':26} {'':4} {'':>8} {total_base:10.4f} {total_pipe:10.4f} {total_pipe / total_base:6.1f}")
    print(f"calls/s {len(files) / total_pipe:.1f}; peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    profile(largest[1], repeat)


def profile(path: Path, repeat: int) -> None:
    """Where the time goes for one call."""
    print(f"\nprofile of {path.name} (best of {repeat})")
    documents = read_path(path)
    document = fill_metadata(documents[0])
    call = segment(document)
    nlp = pipeline(call.language)
    rows = [
        ("read + metadata", best_of(repeat, lambda: fill_metadata(read_path(path)[0]))),
        ("segment", best_of(repeat, lambda: segment(document))),
    ]
    turns = [t for t in call.turns if t.role.value != "operator"]

    def docs():
        made = []
        for turn in turns:
            doc = nlp.make_doc(turn.text)
            doc.user_data["calls"] = {"role": turn.role.value, "section": turn.section.value, "speaker": turn.speaker, "turn": turn.index, "offset": turn.start}
            made.append(doc)
        return made

    rows.append(("tokenize (make_doc)", best_of(repeat, docs)))
    for name, component in nlp.pipeline:
        def run(component=component, name=name):
            for doc in prepared:
                component(doc)

        prepared = docs()
        for earlier, proc in nlp.pipeline:
            if earlier == name:
                break
            for doc in prepared:
                proc(doc)
        rows.append((f"  {name}", best_of(1, run)))
    rows.append(("analyse (all of it)", best_of(repeat, lambda: analyse(call))))
    for label, seconds in rows:
        print(f"  {label:28} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
