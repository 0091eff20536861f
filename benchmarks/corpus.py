"""Generate a corpus of realistic transcripts by recombining the sample calls' turns.

Usage: python benchmarks/corpus.py N OUT_DIR

`long_call` writes one English call of a given length the same way (the
benchmark's 10,000-word call).

Each generated call keeps one sample's opening (operator, prepared remarks)
and draws its Q&A exchanges from every sample of the same language, so the text
is real transcript prose in a realistic layout; company and period come from
front matter, so every call gets its own id.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from calls.model import Call, Role, SectionKind  # noqa: E402
from calls.pipeline import parse_paths  # noqa: E402


def _exchanges(call: Call) -> list[list[str]]:
    """The Q&A of a call as exchanges (operator introduction, question, answers), each as `Name: text` blocks."""
    blocks: list[list[str]] = []
    for turn in call.turns:
        if turn.section != SectionKind.qa:
            continue
        if turn.role == Role.operator or not blocks:
            blocks.append([])
        blocks[-1].append(f"{turn.speaker}: {turn.text}")
    return [b for b in blocks if len(b) > 1]


def generate(count: int, out: Path, seed: int = 7) -> list[Path]:
    """Write `count` transcripts to `out`; the same seed gives the same corpus."""
    rng = random.Random(seed)
    samples = parse_paths([ROOT / "transcripts"], analysis=False).calls
    pools = {lang: [x for c in samples if c.language == lang for x in _exchanges(c)] for lang in ("en", "zh")}
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        base = samples[number % len(samples)]
        opening = [f"{t.speaker}: {t.text}" for t in base.turns if t.section != SectionKind.qa]
        chosen = rng.sample(pools[base.language], k=min(len(pools[base.language]), rng.randint(5, 10)))
        year, quarter = 2015 + number // 400, number // 100 % 4 + 1
        front = f"---\ncompany: Generated {number // 100:03d}\nticker: G{number // 100:03d}\nfiscal_period: Q{quarter} {year + number % 100}\nlanguage: {base.language}\n---\n"
        body = "\n\n".join(opening + [block for exchange in chosen for block in exchange])
        path = out / f"call_{number:05d}.txt"
        path.write_text(front + body + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def long_call(words: int, out: Path) -> Path:
    """One English call of at least `words` words: a sample's opening, then every English exchange in turn until long enough."""
    samples = [c for c in parse_paths([ROOT / "transcripts"], analysis=False).calls if c.language == "en"]
    blocks = [f"{t.speaker}: {t.text}" for t in samples[0].turns if t.section != SectionKind.qa]
    exchanges = [x for c in samples for x in _exchanges(c)]
    count = sum(len(b.split()) for b in blocks)
    for number in range(10_000):
        if count >= words:
            break
        exchange = exchanges[number % len(exchanges)]
        blocks.extend(exchange)
        count += sum(len(b.split()) for b in exchange)
    front = f"---\ncompany: {samples[0].company}\nticker: {samples[0].ticker}\nfiscal_period: {samples[0].fiscal_period}\nlanguage: en\n---\n"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"long_call_{words}_words.txt"
    path.write_text(front + "\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
