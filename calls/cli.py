"""The `calls` command."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path

import click

from calls import __version__
from calls.ingest.metadata import company_by_name_or_ticker, parse_period
from calls.pipeline import Overrides, ParseResult, parse_paths

# Exit codes (documented in the README).
EXIT_OK = 0
EXIT_INPUT = 1  # at least one input could not be parsed
EXIT_USAGE = 2  # bad command line (click's own code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="calls")
def main() -> None:
    """Earnings-call transcript analyser.

    \b
    Examples:
      calls parse transcripts/ --json
      calls parse feed_dump.txt --verbose
      calls parse call.pdf --company "Lam Research" --period "FY2026 Q2" --json
    """


def _period(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    company = company_by_name_or_ticker(ctx.params.get("ticker") or ctx.params.get("company") or "")
    period = parse_period(value, company)
    if period is None:
        raise click.BadParameter(f"cannot read {value!r}; write it as 'FY2026 Q2' or 'Q4 2025'")
    return period


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-01-28") from None


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of Call objects.")
@click.option("--company", help="Company name (overrides the file and detection).", is_eager=True)
@click.option("--ticker", help="Ticker symbol, e.g. LRCX.", is_eager=True)
@click.option("--period", callback=_period, help="Fiscal period, e.g. 'FY2026 Q2' or 'Q4 2025'.")
@click.option("--date", "call_date", callback=_date, help="Call date, e.g. 2026-01-28.")
@click.option("--language", type=click.Choice(["en", "zh"]), help="Transcript language (default: detected).")
@click.option("--max-size", default=100, show_default=True, type=click.IntRange(min=1), help="Largest file to read, in MB.")
@click.option("--no-analysis", is_flag=True, help="Only segment: no guidance, tags or metrics (faster).")
@click.option(
    "--lexicon",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="English tone dictionary CSV with Word, Positive, Negative, Uncertainty columns (e.g. Loughran-McDonald).",
)
@click.option("-v", "--verbose", is_flag=True, help="List feed articles skipped as not being full transcripts.")
def parse(
    paths: tuple[Path, ...],
    as_json: bool,
    company: str | None,
    ticker: str | None,
    period: str | None,
    call_date: date | None,
    language: str | None,
    max_size: int,
    no_analysis: bool,
    lexicon: Path | None,
    verbose: bool,
) -> None:
    """Parse transcripts (files or folders) without storing them.

    \b
    Reads plain text, Markdown, HTML, PDF, DOCX, JSON from transcript APIs and
    news-feed dumps holding several articles, in English or Chinese.
    Exit status: 0 all parsed, 1 some input could not be parsed, 2 usage error.

    \b
    Examples:
      calls parse transcripts/
      calls parse ../shared/seeds/003_048932d57b72cc8e.txt --json
      calls parse call.pdf --company "Lam Research" --ticker LRCX --period "FY2026 Q2" --json
      calls parse transcripts/lam_research_fy2026q2.txt --json | jq '.[0].guidance'
    """
    overrides = Overrides(company=company, ticker=ticker, fiscal_period=period, call_date=call_date, language=language)
    if lexicon is not None:
        _load_lexicon(lexicon)
    result = parse_paths(list(paths), overrides, max_bytes=max_size * 1_000_000, analysis=not no_analysis)
    if as_json:
        click.echo(json.dumps([call.model_dump(mode="json") for call in result.calls], ensure_ascii=False, indent=2))
    else:
        _print_table(result)
    _report(result, verbose)
    sys.exit(EXIT_INPUT if result.errors or not result.calls else EXIT_OK)


def _load_lexicon(path: Path) -> None:
    from calls.analyse.lexicons import load_tone_csv

    try:
        load_tone_csv(path)
    except (ValueError, UnicodeDecodeError, csv.Error) as error:
        raise click.BadParameter(str(error), param_hint="--lexicon") from None


def _print_table(result: ParseResult) -> None:
    header = ("id", "company", "period", "date", "lang", "turns", "speakers", "exchanges", "questions")
    rows = [
        (
            call.id,
            call.company or "-",
            call.fiscal_period or "-",
            str(call.call_date or "-"),
            call.language,
            str(len(call.turns)),
            str(len({t.speaker for t in call.turns})),
            str(len({p.exchange for p in call.qa_pairs})),
            str(len(call.qa_pairs)),
        )
        for call in result.calls
    ]
    if not rows:
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    for row in (header, *rows):
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def _report(result: ParseResult, verbose: bool) -> None:
    if verbose:
        for skipped in result.skipped:
            title = skipped.source.title or skipped.source.url or ""
            click.echo(f"skipped: {skipped.source.path} article {skipped.source.article} «{title}»: {skipped.reason}", err=True)
    for error in result.errors:
        click.echo(f"error: {error.path}: {error.reason}", err=True)
    if not result.calls and not result.errors:
        click.echo("error: no transcript files found", err=True)


if __name__ == "__main__":
    main()
