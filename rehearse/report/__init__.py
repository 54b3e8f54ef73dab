"""Write an Analysis as a report folder: analysis.json, report.html, report.md, charts, captions
and recording.m4a (the recording, for the page's player).

Each format is a writer in ``WRITERS``; ``render`` runs them into a folder and
``write_report`` makes a new folder per rehearsal, atomically, never overwriting one. With
the rehearsal's ``Past`` (its earlier rehearsals), the report says what changed since last
time and shows the progress chart.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from rehearse.errors import InputError, OutputError, reason
from rehearse.files import probe_folder, write_atomic
from rehearse.history.trends import Past
from rehearse.models import ANALYSIS_FILE, Analysis, History, to_json
from rehearse.report.audio import AUDIO_FILE, audio_copy
from rehearse.report.captions import to_srt, to_vtt
from rehearse.report.html import render_html
from rehearse.report.markdown import render_markdown
from rehearse.report.view import PROGRESS_CHART, Report, segment_labels
from rehearse.stages import Tracker

Writer = Callable[[Report, Path], None]


def write_json(report: Report, folder: Path) -> None:
    write_atomic(folder / ANALYSIS_FILE, to_json(report.analysis) + "\n")


def write_charts(report: Report, folder: Path) -> None:
    for name, png in report.charts.items():
        write_atomic(folder / name, png)


def write_html(report: Report, folder: Path) -> None:
    write_atomic(folder / "report.html", render_html(report))


def write_markdown(report: Report, folder: Path) -> None:
    write_atomic(folder / "report.md", render_markdown(report))


def write_captions(report: Report, folder: Path) -> None:
    """transcript.srt / .vtt with each cue tagged by its point, e.g. '[3]'."""
    analysis = report.analysis
    labels = segment_labels(analysis)
    write_atomic(folder / "transcript.srt", to_srt(analysis.transcript, labels=labels))
    write_atomic(folder / "transcript.vtt", to_vtt(analysis.transcript, labels=labels))


WRITERS: dict[str, Writer] = {
    "json": write_json,
    "charts": write_charts,
    "html": write_html,
    "markdown": write_markdown,
    "captions": write_captions,
}


def render(
    analysis: Analysis,
    folder: str | Path,
    *,
    formats: Iterable[str] | None = None,
    past: Past | None = None,
    progress: Tracker | None = None,
    audio: bool = True,
    kept: Path | None = None,
) -> Path:
    """Write the report files into ``folder`` (made if missing), replacing files of the same name.

    ``formats`` picks writers from ``WRITERS`` (default: all). With a ``past`` that has
    earlier rehearsals, the report gets "Since last time" and progress.png. ``audio``: the
    recording's copy for the page's player, first (encoded from the recording, or ``kept``:
    a copy made before); without it no copy is left in the folder. ``progress`` hears of
    the report stage, the charts and each writer.
    """
    # The charts bring matplotlib (1 s to import): only when a report is drawn, not for --help.
    from rehearse.report.charts import charts, glyph_warnings, progress_chart

    folder = Path(folder)
    chosen = list(WRITERS) if formats is None else list(formats)
    unknown = [f for f in chosen if f not in WRITERS]
    if unknown:
        raise InputError(f"unknown report format {unknown[0]!r}; known: {', '.join(WRITERS)}")
    past = past if past is not None and past.previous is not None else None
    update = progress.start("report", len(chosen) + 1) if progress else None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        sound = audio_copy(analysis.recording.path, folder, kept=kept) if audio else None
        if sound is None:
            (folder / AUDIO_FILE).unlink(missing_ok=True)
        with glyph_warnings():
            images = charts(analysis)
            if past is not None:
                images[PROGRESS_CHART] = progress_chart(past.history, current=past.current.sha256)
            report = Report(analysis, images, past, audio=sound)
            for done, name in enumerate(chosen, start=1):
                if update:
                    update(done)  # the charts and the writers before this one
                WRITERS[name](report, folder)
        if update:
            update(len(chosen) + 1)
    except OSError as exc:
        raise OutputError(f"cannot write the report to {folder}: {reason(exc)}") from None
    return folder


def check_output(out_root: str | Path) -> None:
    """OutputError now, before any long work, if no report folder can be made under
    ``out_root``. Nothing is left behind: missing folders are not created yet, the nearest
    existing one gets a probe file that is removed at once. InputError if ``out_root`` is
    a report folder or inside one (its history and talk folders would nest in the old
    report, and a rebuild would merge them)."""
    root = Path(out_root)
    resolved = root.resolve()
    inside = next((p for p in (resolved, *resolved.parents) if (p / ANALYSIS_FILE).is_file()), None)
    if inside is not None:
        raise InputError(
            f"--out {root} is inside the report folder {inside}: give the reports folder "
            f"instead (e.g. {inside.parent.parent})"
        )
    try:
        probe_folder(root)
    except OSError as exc:
        raise OutputError(f"cannot write the report to {root}: {reason(exc)}") from None


def write_report(
    analysis: Analysis,
    out_root: str | Path,
    *,
    past: Past | None = None,
    progress: Tracker | None = None,
    audio: bool = True,
    kept: Path | None = None,
) -> Path:
    """A new folder ``<out_root>/<talk-slug>/<YYYYmmdd-HHMMSS>-<recording-stem>/`` with the report.

    The report is written to a hidden temporary folder and renamed into place, so a failure
    leaves nothing behind; an existing folder gets a ``-2``, ``-3``... suffix instead.
    ``audio`` and ``kept``: the recording's copy, as ``render`` takes them.
    """
    parent = Path(out_root) / slugify(analysis.talk.title)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".partial-", dir=parent))
    except OSError as exc:
        raise OutputError(f"cannot write the report to {out_root}: {reason(exc)}") from None
    try:
        render(analysis, tmp, past=past, progress=progress, audio=audio, kept=kept)
        tmp.chmod(0o755)
        return _move_into_place(tmp, parent, folder_name(analysis))
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def write_progress(
    history: History, database: str | Path, out_root: str | Path | None = None
) -> Path:
    """The talk's progress chart, ``<out_root>/<talk-slug>/progress.png`` beside its report
    folders (``progress-<speaker-slug>.png`` for a named speaker). ``out_root`` is the reports
    folder given (``history --out``), else the folder of the history ``database``."""
    from rehearse.report.charts import glyph_warnings, progress_chart  # matplotlib: see above

    stem = Path(PROGRESS_CHART).stem
    name = f"{stem}-{slugify(history.speaker)}.png" if history.speaker else PROGRESS_CHART
    root = Path(out_root) if out_root is not None else Path(database).parent
    path = root / slugify(history.talk.title) / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with glyph_warnings():
            write_atomic(path, progress_chart(history))
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    return path


def rerender(
    analysis: Analysis,
    folder: str | Path,
    *,
    past: Past | None = None,
    with_json: bool = False,
    audio: bool = True,
) -> Path:
    """Render the report of ``analysis`` again in its own ``folder`` (every file but
    analysis.json, unless ``with_json``: a corrected analysis): into a hidden copy of the
    folder, swapped in once every file is written, so a failure leaves the folder as it was,
    never half re-rendered. ``audio``: keep the folder's recording.m4a (made from the
    recording when it has none); False removes it."""
    folder = Path(folder)
    formats = [f for f in WRITERS if with_json or f != "json"]
    try:
        tmp = Path(tempfile.mkdtemp(prefix=".partial-", dir=folder.parent))
    except OSError as exc:
        raise OutputError(f"cannot write the report to {folder}: {reason(exc)}") from None
    old = tmp.with_name(f".old-{tmp.name[len('.partial-') :]}")
    try:
        shutil.copytree(folder, tmp, dirs_exist_ok=True)  # analysis.json, forgotten.json...
        try:
            render(analysis, tmp, formats=formats, past=past, audio=audio, kept=tmp / AUDIO_FILE)
        except OutputError as exc:  # named after the folder the user gave, not the copy
            raise OutputError(str(exc).replace(str(tmp), str(folder))) from None
        folder.rename(old)
        tmp.rename(folder)
    except OSError as exc:
        if old.exists() and not folder.exists():
            old.rename(folder)
        raise OutputError(f"cannot write the report to {folder}: {reason(exc)}") from None
    finally:
        for leftover in (tmp, old):
            if leftover.exists():
                shutil.rmtree(leftover, ignore_errors=True)
    return folder


def _move_into_place(tmp: Path, parent: Path, name: str) -> Path:
    for n in range(1, 1000):
        final = parent / (name if n == 1 else f"{name}-{n}")
        if final.exists():
            continue
        try:
            tmp.rename(final)
        except FileExistsError:
            continue
        except OSError as exc:
            if final.exists():
                continue
            raise OutputError(f"cannot write the report to {final}: {reason(exc)}") from None
        return final
    raise OutputError(f"too many reports named {name} in {parent}")


def folder_name(analysis: Analysis) -> str:
    """'<YYYYmmdd-HHMMSS>-<recording-stem>' from the analysis time and recording."""
    try:
        when = datetime.fromisoformat(analysis.created)
    except ValueError:
        when = datetime.now()
    stem = slugify(Path(analysis.recording.path).stem, fallback="recording")
    return f"{when:%Y%m%d-%H%M%S}-{stem}"


def slugify(text: str, *, fallback: str = "talk") -> str:
    """'Kilka zdań o sobie' -> 'kilka-zdan-o-sobie' (ASCII, lower case, at most 60 chars)."""
    text = text.replace("ł", "l").replace("Ł", "L")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or fallback
