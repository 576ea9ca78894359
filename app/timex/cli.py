"""Command line: `timeline timex FILE` and `timeline eval tempeval DIR`."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from app.tempeval import read_corpus, score
from app.timex.anchor import anchor_from_text, corpus_anchor
from app.timex.find import find_timexes


def _iso_date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("expected YYYY-MM-DD")


@click.command("timex")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dct", callback=_iso_date, help="Anchor date YYYY-MM-DD (publication date).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def timex_command(file: str, dct: date | None, as_json: bool) -> None:
    """Print the temporal expressions of FILE; without --dct the anchor is inferred from it."""
    text = Path(file).read_bytes().decode("utf-8")
    anchor = dct or anchor_from_text(text)
    for t in find_timexes(text, anchor):
        if as_json:
            click.echo(json.dumps({"start": t.start, "end": t.end, "text": t.text,
                                   "type": t.type, "value": t.value, "mod": t.mod}))
        else:
            click.echo(f"{t.start}\t{t.end}\t{t.type}\t{t.value}\t{t.mod or ''}\t{t.text}")


@click.group("eval")
def eval_group() -> None:
    """Evaluate the engine on public gold data."""


def corpus_anchors(documents, use_dct: bool) -> list[date | None]:
    """Each document's anchor: its DCT, or (without) one inferred from its text with
    the corpus anchor (`corpus_anchor`) as its floor: a document
    ingested with others was written no earlier than they were, whatever old
    dates it recalls."""
    if use_dct:
        return [d.dct for d in documents]
    corpus = corpus_anchor(d.text for d in documents)
    return [anchor_from_text(d.text, floor=corpus) for d in documents]


@eval_group.command("tempeval")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--no-dct", is_flag=True, help="Withhold the DCT: infer each anchor from the text.")
def tempeval_command(directory: str, no_dct: bool) -> None:
    """Score the engine on the TimeML `.tml` files under DIRECTORY (TempEval-3 Task A)."""
    documents = read_corpus(directory)
    if not documents:
        raise click.ClickException(f"no .tml files under {directory}")
    anchors = corpus_anchors(documents, not no_dct)
    s = score((d.gold, find_timexes(d.text, a)) for d, a in zip(documents, anchors))
    click.echo(f"documents {len(documents)}  gold {s.gold}  system {s.system}  "
               f"anchor {'inferred (no DCT)' if no_dct else 'DCT'}")
    click.echo(f"{'':8} {'P':>6} {'R':>6} {'F1':>6}")
    click.echo(f"{'strict':8} {s.strict_p:6.3f} {s.strict_r:6.3f} {s.strict_f1:6.3f}")
    click.echo(f"{'relaxed':8} {s.relaxed_p:6.3f} {s.relaxed_r:6.3f} {s.relaxed_f1:6.3f}")
    click.echo(f"type F1 {s.type_f1:.3f}  value F1 {s.value_f1:.3f}  "
               f"(type accuracy {s.type_accuracy:.3f}, value accuracy {s.value_accuracy:.3f})")
