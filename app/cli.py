"""The `timeline` command. Each command opens the database, calls one library
function, and turns errors into a clean message."""
from __future__ import annotations

import atexit
import gc
import re
import sys
from datetime import date
from pathlib import Path

import click



# The database layer (SQLAlchemy, Alembic) is imported when a command needs it: the
# analysis processes of an ingest start from this module and need none of it.
def open_database(url: str | None):
    from .db import open_database as open_

    return open_(url)


def database_url(explicit: str | None = None) -> str:
    from .database_url import database_url as url_of

    return url_of(explicit)

_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}


class ByteSize(click.ParamType):
    """A size such as `10MB`, `500k` or `1048576` (bytes)."""

    name = "size"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", str(value))
        if not match or match.group(2).lower() not in _UNITS or float(match.group(1)) <= 0:
            self.fail(f"{value!r} is not a size (examples: 10MB, 500k, 1048576)", param, ctx)
        return int(float(match.group(1)) * _UNITS[match.group(2).lower()])

DB_OPTION = click.option("--db", "db_url", default=None, metavar="URL",
                         help="Database URL (default: $TIMELINE_DB, else sqlite:///timeline.db).")
ENTITIES_OPTION = click.option("--entities", "entity_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
                               help="Extra knowledge file of actors and weapon systems (TOML); repeatable.")


class _Commands(click.Group):
    """A group that imports some commands only when they are named (_LATER_COMMANDS)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *_LATER_COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        load = _LATER_COMMANDS.get(name)
        return load() if load else super().get_command(ctx, name)


@click.group(cls=_Commands)
def main() -> None:
    """Turn news articles into a timeline of dated events traced to their passages."""


def run_ingest(paths: tuple[str, ...], db_url: str | None, entity_files: tuple[str, ...],
               published: date | None = None, quiet: bool = False, max_size: int | None = None,
               workers: int | None = None) -> int:
    """Ingest `paths`; print one line per document and a summary. Returns the exit status."""
    from contextlib import ExitStack
    from itertools import islice

    from .analysis_pool import CHUNK, analysis_pool, default_workers, start_fork_server

    workers = workers or default_workers()
    # Starting processes costs about a second: not worth it for a handful of files.
    enough_files = 2 * CHUNK * workers
    if workers > 1 and (len(paths) >= enough_files or any(Path(p).is_dir() for p in paths)):
        # The fork server imports the pipeline for the analysis processes (most of a
        # second) while this process imports the readers to count the files, then the
        # database layer. Started in vain for a folder of a few files, it only took a
        # core for that time.
        start_fork_server()

    from .knowledge import load_knowledge
    from .read import DEFAULT_MAX_SIZE, iter_files

    knowledge = load_knowledge([Path(f) for f in entity_files])
    # Counting walks every folder (0.7 s for 100,000 files): to the end only for the
    # progress bar (a terminal), else as far as it takes to decide on the processes.
    total = sum(1 for _ in islice(iter_files(paths), None if sys.stderr.isatty() else enough_files))
    if total < enough_files:
        workers = 1
    echo = (lambda *a, **k: None) if quiet else click.echo
    with ExitStack() as stack:
        # A bar on long runs; on short ones a line per document says more.
        if total > 50 and sys.stderr.isatty():
            bar = stack.enter_context(click.progressbar(length=total, label="Ingesting", file=sys.stderr))

            def progress(origin: str, status: str) -> None:
                if status.startswith(("failed", "warning")):
                    click.echo(f"\n{origin}: {status}", err=True)
                if not status.startswith("warning"):  # a warning precedes its document's own status
                    bar.update(1)
        else:
            def progress(origin: str, status: str) -> None:
                if status.startswith(("failed", "warning")):
                    click.echo(f"{origin}: {status}", err=True)
                else:
                    echo(f"{origin}: {status}")
        url = database_url(db_url)
        # The analysis processes start first: they import the pipeline while this one
        # imports the database layer and migrates.
        pool = stack.enter_context(analysis_pool(knowledge, url, workers))
        from .ingest import ingest

        engine = open_database(url)
        report = ingest(paths, engine, knowledge, progress, published, max_size or DEFAULT_MAX_SIZE, workers,
                        pool=pool)
    # Closed after the analysis processes have closed theirs (the pool above), so that
    # this connection is the last: it checkpoints the write-ahead log into the database
    # file now, not when the interpreter's last garbage collection finds it.
    engine.dispose()
    # The summary goes to stderr when some inputs failed, so it is seen beside their lines.
    if report.failed:
        click.echo(report.summary(), err=True)
    else:
        echo(report.summary())
    return 1 if report.failed else 0


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@DB_OPTION
@ENTITIES_OPTION
@click.option("--published", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Publication date for documents that carry none (YYYY-MM-DD).")
@click.option("--max-size", type=ByteSize(), default="10MB", show_default=True,
              help="Refuse files larger than this (e.g. 500k, 10MB).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes that analyze documents while one stores them (default: one per core).")
def ingest_command(paths, db_url, entity_files, published, max_size, workers) -> None:
    """Read articles from files, folders, feeds, JSON Lines and `-` (standard input),
    extract dated events, and store them. Exits with 1 when some inputs failed.

    
    Formats: .txt, .md (YAML front matter: title, source, url, published), .html,
    RSS/Atom (.xml, .rss, .atom: one document per entry), .jsonl and .json
    ({"title", "text", "url", "published", "source"} per record).
    A timeline.toml or manifest.csv beside the files gives metadata to files without it.
    """
    status = run_ingest(paths, db_url, entity_files, published.date() if published else None, max_size=max_size,
                        workers=workers)
    atexit.register(_skip_final_collection)
    sys.exit(status)


def _skip_final_collection() -> None:
    """At exit, spare the interpreter its last garbage collections over everything an
    ingest leaves in memory (0.4 s after 1,000 documents): the process ends, and the
    memory goes with it. What must be closed is closed already (`run_ingest`), and
    objects freed by reference counting still are."""
    gc.freeze()


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--ingest", "ingest_paths", multiple=True, type=click.Path(),
              help="Ingest these files or folders before serving (unchanged ones are skipped); repeatable.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Server processes sharing the port (one per core uses every core).")
@DB_OPTION
@ENTITIES_OPTION
def serve_command(host, port, ingest_paths, workers, db_url, entity_files) -> None:
    """Serve the timeline over HTTP (the database is created and migrated if needed)."""
    import os

    import uvicorn

    from .web import create_app, settle

    # Ingest and migrate once, here, before any server process starts: the
    # processes only read.
    if ingest_paths:
        run_ingest(ingest_paths, db_url, entity_files, quiet=True)
    engine = open_database(db_url)
    click.echo(f"Serving {database_url(db_url)} on http://{host}:{port}/"
               + (f" ({workers} processes)" if workers > 1 else ""), err=True)
    if workers == 1:
        app = create_app(engine)
        settle()
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    engine.dispose()
    # uvicorn starts each process afresh and has it import the application by
    # name, so the processes learn the database from the environment.
    os.environ["TIMELINE_DB"] = database_url(db_url)
    uvicorn.run("app.web:app_from_environment", factory=True, workers=workers, host=host, port=port,
                log_level="warning")


def _eval_group() -> click.Group:
    from .event_eval import events_eval_command
    from .timex.cli import eval_group

    eval_group.add_command(events_eval_command, "events")
    return eval_group


def _timex_command() -> click.Command:
    from .timex.cli import timex_command

    return timex_command


def _export_command() -> click.Command:
    from .export import export_command

    return export_command


# Each step's own commands live beside the step; the group imports one when it is
# named, so `timeline ingest` (and every analysis process it starts, which imports
# this module again) does not pay for the web pages and evaluations.
_LATER_COMMANDS = {"eval": _eval_group, "timex": _timex_command, "export": _export_command}

