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
EXIT_STORE = 3  # the database could not be opened, read or written

DB_OPTION = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="CALLS_DB",
    default="calls.duckdb",
    show_default=True,
    help="Database file (or set CALLS_DB).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="calls")
def main() -> None:
    """Earnings-call transcript analyser.

    \b
    Examples:
      calls parse transcripts/ --json
      calls parse feed_dump.txt --verbose
      calls parse call.pdf --company "Lam Research" --period "FY2026 Q2" --json
      calls ingest transcripts/
      calls export qa --format xlsx -o qa.xlsx --ticker LRCX
      calls compare NWSC --guidance
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


def metadata_options(command):
    """The options that state a file's metadata and the size limit (shared by parse and ingest)."""
    for option in reversed([
        click.option("--company", help="Company name (overrides the file and detection).", is_eager=True),
        click.option("--ticker", help="Ticker symbol, e.g. LRCX.", is_eager=True),
        click.option("--period", callback=_period, help="Fiscal period, e.g. 'FY2026 Q2' or 'Q4 2025'."),
        click.option("--date", "call_date", callback=_date, help="Call date, e.g. 2026-01-28."),
        click.option("--language", type=click.Choice(["en", "zh"]), help="Transcript language (default: detected)."),
        click.option("--max-size", default=100, show_default=True, type=click.IntRange(min=1), help="Largest file to read, in MB."),
    ]):
        command = option(command)
    return command


def dataset_options(help_text: str):
    """`--dataset DIR` (described by `help_text`) and `--overwrite` (shared by ingest and export)."""

    def add(command):
        command = click.option("--overwrite", is_flag=True, help="With --dataset: replace a dataset already in that folder.")(command)
        return click.option("--dataset", type=click.Path(file_okay=False, path_type=Path), help=help_text)(command)

    return add


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of Call objects.")
@metadata_options
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Worker processes (output order stays the files' order).")
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
    jobs: int,
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
    if jobs > 1 and lexicon is None:
        from calls.batch import parsed_files
        from calls.ingest import expand_paths

        result = ParseResult()
        for part in parsed_files(expand_paths(list(paths)), overrides, max_size * 1_000_000, jobs, not no_analysis):
            result.calls.extend(part.calls)
            result.skipped.extend(part.skipped)
            result.errors.extend(part.errors)
    else:
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


def _store_error(error: Exception) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(EXIT_STORE)


def _overrides(company: str | None, ticker: str | None, period: str | None, call_date: date | None, language: str | None) -> Overrides:
    return Overrides(company=company, ticker=ticker, fiscal_period=period, call_date=call_date, language=language)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@DB_OPTION
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes for parsing (default: one per core).")
@metadata_options
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when writing to a terminal).")
@click.option(
    "--scheduler",
    envvar="CALLS_SCHEDULER",
    help="Run on this Dask cluster (tcp://HOST:PORT, or set CALLS_SCHEDULER) and write a Parquet dataset (--dataset).",
)
@dataset_options("With --scheduler: the dataset folder to write (on a filesystem every worker can write).")
def ingest(
    paths: tuple[Path, ...], db: Path, jobs: int | None, company: str | None, ticker: str | None, period: str | None,
    call_date: date | None, language: str | None, max_size: int, progress: bool | None, scheduler: str | None,
    dataset: Path | None, overwrite: bool,
) -> None:
    """Parse, analyse and store transcripts (files or folders, recursively).

    Re-ingesting the same text changes nothing; a changed text replaces the
    call. One bad file is reported and the batch goes on.
    With --scheduler, parsing and analysis run as tasks on a Dask cluster and
    the results are written as a Parquet dataset partitioned by ticker and
    year; `calls attach DIR` then loads it into the database for the app.
    Exit status: 0 all stored, 1 some input failed, 3 database, dataset or cluster problem.

    \b
    Examples:
      calls ingest transcripts/
      calls ingest ~/calls/*.pdf --db research.duckdb --jobs 2
      calls ingest /shared/calls/ --scheduler tcp://10.0.0.5:8786 --dataset /shared/calls-dataset
    """
    from calls.batch import ingest as run
    from calls.ingest import expand_paths
    from calls.store import StoreError

    if scheduler and dataset is None:
        raise click.UsageError("with a Dask scheduler (--scheduler or CALLS_SCHEDULER) give --dataset DIR for the results")
    if dataset is not None and not scheduler:
        raise click.UsageError("--dataset needs --scheduler; to write a dataset from a local database use `calls export --dataset DIR`")
    total = len(expand_paths(list(paths)))
    show = sys.stderr.isatty() if progress is None else progress
    bar = None
    if show:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True)

    def step(done: int, _total: int) -> None:
        if bar is not None:
            bar.update(done - bar.n)

    overrides = _overrides(company, ticker, period, call_date, language)
    try:
        if scheduler:
            from calls.cluster import ingest_on_cluster

            summary = ingest_on_cluster(list(paths), dataset, scheduler, overrides, max_size * 1_000_000, overwrite, step)
        else:
            summary = run(list(paths), db, overrides, max_size * 1_000_000, jobs, step)
    except (StoreError, *_dataset_errors()) as error:
        _store_error(error)
    finally:
        if bar is not None:
            bar.close()
    rate = summary.calls / summary.seconds if summary.seconds else 0.0
    click.echo(
        f"{total} files, {summary.calls} calls in {summary.seconds:.1f} s ({rate:.1f} calls/s): "
        f"{len(summary.ingested)} ingested, {len(summary.unchanged)} unchanged, {len(summary.replaced)} replaced, "
        f"{len(summary.failed)} failed" + (f", {summary.skipped_articles} feed articles skipped" if summary.skipped_articles else "")
    )
    if dataset is not None:
        click.echo(f"dataset written to {dataset} (load it for the app: calls attach {dataset})")
    for error in summary.failed:
        click.echo(f"error: {error.path}: {error.reason}", err=True)
    sys.exit(EXIT_INPUT if summary.failed or not summary.calls else EXIT_OK)


def _dataset_errors() -> tuple[type[Exception], ...]:
    """The errors of the dataset and cluster modules, reported like database errors (exit 3)."""
    from calls.cluster import ClusterError
    from calls.dataset import DatasetError

    return DatasetError, ClusterError


def _open(db: Path):
    from calls.store import Store, StoreError

    try:
        return Store(db, read_only=True)
    except StoreError as error:
        _store_error(error)


@main.command(name="list")
@DB_OPTION
@click.option("--ticker", help="Only this company.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON records.")
def list_calls(db: Path, ticker: str | None, as_json: bool) -> None:
    """What is stored: id, company, ticker, period, date, language, #Q&A, #guidance.

    \b
    Examples:
      calls list
      calls list --ticker MSFT --json
    """
    with _open(db) as store:
        frame = store.frame(
            "SELECT id, company, ticker, fiscal_period AS period, CAST(call_date AS VARCHAR) AS date, language, analysts, questions AS qa,"
            " guidance_items AS guidance, round(net_tone, 3) AS net_tone FROM calls"
            + (" WHERE upper(ticker) = upper(?)" if ticker else "")
            + " ORDER BY ticker, fiscal_year, fiscal_quarter, id",
            [ticker] if ticker else [],
        )
    if as_json:
        click.echo(frame.to_json(orient="records", date_format="iso", force_ascii=False, indent=2))
    else:
        _print_frame(frame)


def _export_dataset(db: Path, dataset: Path, overwrite: bool) -> None:
    from calls.dataset import DatasetError, export_dataset

    with _open(db) as store:
        try:
            counts = export_dataset(store, dataset, overwrite)
        except DatasetError as error:
            _store_error(error)
    click.echo(f"{counts['calls']} calls ({sum(counts.values())} rows in {len(counts)} tables) written to {dataset}")


@main.command()
@click.argument("dataset", type=click.Path(file_okay=False, path_type=Path))
@DB_OPTION
def attach(dataset: Path, db: Path) -> None:
    """Load a Parquet dataset (from `calls ingest --scheduler` or `calls export --dataset`) into the database.

    The dataset's rows are copied one company (ticker folder) per transaction,
    so the app, exports and `calls reanalyse` work on them as on any ingested
    call. A call already stored with the same text is left as it is; with
    another text it is replaced by the dataset's. After a failure, attaching
    again goes on where it stopped.

    \b
    Examples:
      calls attach /shared/calls-dataset --db research.duckdb
      calls attach calls-dataset/ && calls app
    """
    from calls.dataset import DatasetError, attach as attach_dataset
    from calls.store import Store, StoreError

    try:
        with Store(db, wait=600.0) as store:
            summary = attach_dataset(store, dataset)
    except (StoreError, DatasetError) as error:
        _store_error(error)
    click.echo(f"{dataset}: {summary.added} calls added, {summary.replaced} replaced, {summary.unchanged} unchanged (in {db})")


@main.command()
@click.argument("call_id")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the whole Call as JSON.")
def show(call_id: str, db: Path, as_json: bool) -> None:
    """A summary of one stored call (or all of it with --json).

    \b
    Examples:
      calls show LRCX-FY2026Q2
      calls show LRCX-FY2026Q2 --json | jq '.guidance'
    """
    from calls.store import StoreError

    with _open(db) as store:
        try:
            call = store.get(call_id)
        except StoreError as error:
            _store_error(error)
    if as_json:
        click.echo(call.model_dump_json(indent=2))
        return
    metrics = call.metrics
    click.echo(f"{call.id}  {call.company or '-'} ({call.ticker or '-'})  {call.fiscal_period or '-'}  {call.call_date or '-'}  {call.language}")
    click.echo(f"source: {call.source.url or call.source.path}")
    click.echo(f"turns {len(call.turns)}, analysts {len({p.analyst for p in call.qa_pairs})}, questions {len(call.qa_pairs)}, guidance {len(call.guidance)}")
    if metrics:
        tone = metrics.call
        click.echo(
            f"net tone {tone.net_tone}, hedges {tone.hedge_density} {metrics.density_unit}, "
            f"non-answers {metrics.non_answers}/{metrics.questions}, readability {tone.readability}"
        )
    click.echo("executives: " + ", ".join(p.name for p in call.participants if p.role.value in ("executive", "investor_relations")))
    click.echo("analysts:   " + ", ".join(f"{p.name} ({p.firm})" if p.firm else p.name for p in call.participants if p.role.value == "analyst"))
    for g in call.guidance:
        if g.low is not None and g.high is not None and g.low != g.high:
            bounds = f"{_amount(g.low)} to {_amount(g.high)}"
        else:
            bound = g.point if g.point is not None else g.low if g.low is not None else g.high
            bounds = ("above " if g.high is None and g.point is None else "below " if g.low is None and g.point is None else "") + _amount(bound)
        segment = f" ({g.segment})" if g.segment else ""
        click.echo(f"  guidance: {g.metric}{segment} {g.period or 'ongoing'}: {bounds} {g.unit}{' ' + g.basis if g.basis else ''}")


def _amount(value: float) -> str:
    """135000000000.0 -> 135B, 5400000000.0 -> 5.4B, 345000000.0 -> 345M, 49.0 -> 49."""
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(value) >= scale:
            return f"{value / scale:g}{suffix}"
    return f"{value:g}"


@main.command()
@click.argument("table", required=False, type=click.Choice(["turns", "qa", "qa-rows", "guidance", "tags", "metrics", "analysts"]))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "parquet", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@DB_OPTION
@click.option("--ticker", help="Only this company.")
@click.option("--from", "period_from", help="From this fiscal period, e.g. 'FY2025 Q3'.")
@click.option("--to", "period_to", help="Up to this fiscal period.")
@click.option("--language", type=click.Choice(["en", "zh"]), help="Only calls in this language.")
@dataset_options("Instead of one table: every table as a Parquet dataset in this folder, partitioned by ticker and year.")
def export(
    table: str | None, fmt: str, output: Path | None, db: Path, ticker: str | None, period_from: str | None, period_to: str | None,
    language: str | None, dataset: Path | None, overwrite: bool,
) -> None:
    """Write a tidy table of the stored calls as CSV, XLSX, Parquet or JSON.

    \b
    Tables: turns, qa (one row per Q&A pair), qa-rows (one row per answer part),
    guidance, tags, metrics, analysts.
    With --dataset, the whole database is written as the same Parquet dataset
    that `calls ingest --scheduler` writes on a Dask cluster.
    Examples:
      calls export qa --format xlsx -o lam_qa.xlsx --ticker LRCX
      calls export guidance --format csv -o guidance.csv --ticker MSFT
      calls export metrics --format parquet -o metrics.parquet --from "FY2025 Q3" --to "FY2026 Q2"
      calls export --dataset calls-dataset/
    """
    from calls.export import TABLES, write_frame

    if dataset is not None:
        if table or output or ticker or period_from or period_to or language:
            raise click.UsageError("--dataset writes every table of every call; give no TABLE, -o or filters with it")
        _export_dataset(db, dataset, overwrite)
        return
    if table is None or output is None:
        raise click.UsageError("give a TABLE and -o FILE (or --dataset DIR)")
    with _open(db) as store:
        try:
            frame = TABLES[table](store, ticker=ticker, period_from=period_from, period_to=period_to, language=language)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None
    try:
        write_frame(frame, output, fmt)
    except OSError as error:
        click.echo(f"error: {output}: cannot write: {error.strerror or error}", err=True)
        sys.exit(EXIT_INPUT)
    click.echo(f"{len(frame)} rows of {table} written to {output}")


@main.command()
@click.argument("ticker")
@DB_OPTION
@click.option("--guidance", is_flag=True, help="Guidance changes: raised / maintained / lowered / rolled / new / dropped.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON records.")
def compare(ticker: str, db: Path, guidance: bool, as_json: bool) -> None:
    """A company's quarters side by side, with the change from the quarter before.

    \b
    Examples:
      calls compare MSFT
      calls compare NWSC --guidance
    """
    from calls.compare import guidance_changes, quarters
    from calls.store import StoreError

    with _open(db) as store:
        try:
            frame = guidance_changes(store, ticker) if guidance else quarters(store, ticker)
        except StoreError as error:
            _store_error(error)
    if as_json:
        click.echo(frame.to_json(orient="records", force_ascii=False, indent=2))
    elif guidance:
        _print_frame(frame)
    else:
        keep = ["fiscal_period", "calendar_quarter", "language", "net_tone", "change:net_tone", "net_tone_prepared", "net_tone_qa",
                "hedge_density", "change:hedge_density", "uncertainty_density", "non_answer_rate", "readability", "analysts",
                "questions", "guidance_items"]
        _print_frame(frame[[c for c in keep if c in frame.columns]].T.reset_index().rename(columns={"index": "quarter"}), header=False)


@main.command(name="reanalyse")
@DB_OPTION
@click.option("--ticker", help="Only this company.")
def reanalyse_command(db: Path, ticker: str | None) -> None:
    """Re-run only the analysers whose lexicon or taxonomy changed since each call was analysed (no re-parsing).

    Each call keeps a hash of the data every analyser used (guidance, hedges,
    tone, themes, non-answers, readability); edit a data file (or point
    CALLS_DATA_DIR at a folder with your own copy) and run this.

    \b
    Examples:
      CALLS_DATA_DIR=my_lexicons calls reanalyse
      calls reanalyse --ticker LRCX
    """
    from collections import Counter

    from calls.analyse import reanalyse
    from calls.analyse.lexicons import analyser_fingerprints
    from calls.store import Store, StoreError

    current = analyser_fingerprints()
    done: Counter = Counter()
    redone = up_to_date = 0
    try:
        with Store(db) as store:
            ids = [row[0] for row in store.con.execute(
                "SELECT id FROM calls WHERE ? IS NULL OR upper(ticker) = upper(?) ORDER BY id", [ticker, ticker]
            ).fetchall()]
            for call_id in ids:
                before = store.analysed_with(call_id)
                changed = {a for a, h in current.items() if before.get(a) != h}
                if not changed:
                    up_to_date += 1
                    continue
                store.save(reanalyse(store.get(call_id), changed))
                done.update(changed)
                redone += 1
    except StoreError as error:
        _store_error(error)
    which = ", ".join(f"{a} {n}" for a, n in sorted(done.items())) or "none"
    click.echo(f"{len(ids)} calls: {redone} re-analysed ({which}), {up_to_date} up to date")


@main.command()
@DB_OPTION
@click.option("--transcripts", type=click.Path(file_okay=False, path_type=Path), default="transcripts", show_default=True,
              help="Folder ingested first when the database is empty.")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option("--headless/--browser", default=True, show_default=True, help="Do not / do open a browser window.")
def app(db: Path, transcripts: Path, port: int, headless: bool) -> None:
    """Start the Streamlit app on the database (ingesting the sample transcripts first if it is empty).

    \b
    Examples:
      calls app
      calls app --db research.duckdb --port 8600
    """
    import os
    import subprocess

    from calls.store import Store, StoreError
    from calls.ui import UPLOAD_LIMIT_MB

    try:
        with Store(db) as store:
            empty = not store.ids()
    except StoreError as error:
        _store_error(error)
    if empty:
        if not transcripts.is_dir():
            click.echo(f"error: the database is empty and {transcripts} is not a folder of transcripts (give --transcripts)", err=True)
            sys.exit(EXIT_INPUT)
        from calls.batch import ingest as run

        summary = run([transcripts], db)
        click.echo(f"ingested {len(summary.ingested)} calls from {transcripts} into {db}")
    script = Path(__file__).with_name("ui") / "streamlit_app.py"
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
               "--server.headless", "true" if headless else "false", "--server.maxUploadSize", str(UPLOAD_LIMIT_MB),
               "--browser.gatherUsageStats", "false"]
    click.echo(f"calls app on http://localhost:{port} (database {db}); Ctrl-C stops it")
    sys.exit(subprocess.call(command, env={**os.environ, "CALLS_DB": str(db.resolve())}))


def _print_frame(frame, header: bool = True) -> None:
    """A DataFrame as aligned text columns."""
    rows = [[str(c) for c in frame.columns]] if header else []
    rows += [["-" if _blank(v) else (f"{v:g}" if isinstance(v, float) else str(v)) for v in row] for row in frame.itertuples(index=False)]
    if not rows:
        return
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def _blank(value: object) -> bool:
    try:
        import pandas as pd

        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


if __name__ == "__main__":
    main()
