"""The one-line results: a transcription, the models, a batch, the web app, notes written."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from rich.table import Table

from rehearse.console import console, count, err_console, say


def print_transcribed(result, paths) -> None:
    """The language heard, how much audio and how fast; then the files written."""
    t = result.transcript
    probability = f" (p={t.language_probability:.2f})" if t.language_probability is not None else ""
    speed = (
        "from the cache"
        if result.cached
        else f"in {result.seconds:.1f} s, real-time factor {result.seconds / t.duration:.2f}"
    )
    console.print(
        f"Language [bold]{t.language}[/bold]{probability}, {t.duration:.1f} s of audio, "
        f"{len(t.words)} words, transcribed {speed} ({t.engine}, {escape(t.model)})",
        highlight=False,
    )
    for path in paths.values():
        say(f"  {escape(str(path))}")


def print_models(models, folder: Path) -> None:
    """The models each engine can use offline, and where they live."""
    table = Table(title=f"Whisper models (rehearse keeps its own in {folder})")
    for name in ("engine", "model", "status", "size"):
        table.add_column(name, justify="right" if name == "size" else "left", no_wrap=True)
    table.add_column("location", overflow="fold")
    for m in models:
        size = f"{m.size / 1e6:.0f} MB" if m.size else "–"
        table.add_row(m.engine, escape(m.name), m.status, size, escape(m.path))
    console.print(table)
    console.print(
        "Other size names (tiny, small, medium, large-v3, turbo...) download on first use "
        "when the model hub is reachable; --model also takes a local path."
    )


def print_batch(report, out: Path) -> None:
    """How many recordings were analysed, skipped, failed (each failure on stderr); the class
    report's path."""
    rows = report.rows
    failed = [r for r in rows if not r.ok]
    already = sum(r.status in ("already analysed", "skipped") for r in rows)
    analysed = len(rows) - len(failed) - already
    console.print(
        f"{analysed} analysed, {already} already analysed, {len(failed)} failed, "
        f"of {len(rows)} recordings.",
        highlight=False,
    )
    for row in failed:
        err_console.print(
            f"[red]failed:[/red] {escape(row.error or row.recording)}",
            highlight=False,
            soft_wrap=True,
        )
    page = out / "batch.html"
    say(f"Class report: [bold]{escape(str(page))}[/bold]")


def print_serving(folder: Path, url: str, loopback: bool, https: bool) -> None:
    """Where the web app listens; off loopback, how another device reaches it."""
    say(f"Serving {escape(str(folder.resolve()))} at [bold]{escape(url)}[/bold] "
        "(Ctrl-C stops)")  # fmt: skip
    if loopback:
        return
    record = ("Over HTTPS another device can record too (its browser must trust the "
              "certificate)." if https else "Browsers allow the microphone only on "
              "localhost or HTTPS, so another device can upload a recording but not "
              "record (--cert/--key serve HTTPS).")  # fmt: skip
    say("Other devices: open that address with this machine's name or IP "
        f"for the host; the token in it is asked of every request. {record}")  # fmt: skip


def print_notes_written(parsed, out: Path) -> None:
    """'Wrote 14 points of 5 slides to notes/talk.md' (on stderr: stdout may be the notes)."""
    unit = "slide" if any(p.slide is not None for p in parsed.points) else "section"
    err_console.print(
        f"Wrote {count(len(parsed.points), 'point')} of {count(len(parsed.sections), unit)} "
        f"to {escape(str(out))}",
        highlight=False,
        soft_wrap=True,
    )
