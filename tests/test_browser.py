"""report.html in a real headless Chromium: every chart loads, nothing is fetched, phones fit."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import chrome
import pytest
from model_json import from_json
from typer.testing import CliRunner

from rehearse.align import align
from rehearse.analysis import build_analysis, demo_files
from rehearse.cli import app
from rehearse.measure.pacing import PacingOptions, measure_pacing
from rehearse.models import Transcript, load_analysis
from rehearse.notes import load_notes
from rehearse.report import write_report
from rehearse.report.charts import NARROW
from rehearse.transcribe import TranscribeResult

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not chrome.AVAILABLE,
        reason="headless Chromium not installed (Debian packages chromium and chromium-driver)",
    ),
]
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed (dev extra)")


ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module", params=["markdown", "deck"])
def page(request, tmp_path_factory) -> Path:
    """A real report: the bundled notes (as Markdown, or as the example deck's two slides), a
    fixture transcript, real align and pacing."""
    recording, notes_path = demo_files()
    if request.param == "deck":
        notes_path = ROOT / "notes" / "kilka-zdan-o-sobie.pptx"
    notes = load_notes(notes_path)
    data = Path(__file__).parent / "data" / "transcripts" / "pl-skips.json"
    transcript = from_json(Transcript, data.read_text(encoding="utf-8"))
    coverage = align(notes, transcript)
    pacing = measure_pacing(notes, transcript, coverage, PacingOptions(target=180.0))
    sha = hashlib.sha256(recording.read_bytes()).hexdigest()
    result = TranscribeResult(transcript, cached=True, seconds=0.0, sha256=sha)
    analysis = build_analysis(notes, recording, result, coverage, pacing)
    return write_report(analysis, tmp_path_factory.mktemp("reports")) / "report.html"


@pytest.fixture(scope="module")
def page_with_past(tmp_path_factory) -> Path:
    """The third of three recorded rehearsals of the seed talk (the shared rehearsals'
    transcripts, real align and pacing): its report has "Since last time" and progress."""
    from dataclasses import replace

    from rehearse.history import DB_NAME, HistoryDB, past_of

    _, notes_path = demo_files()
    notes = load_notes(notes_path)
    out = tmp_path_factory.mktemp("reports")
    folder = None
    with HistoryDB.open(out / DB_NAME, create=True) as history:
        for day, name in enumerate(("pl-full", "pl-skips", "pl-reorder"), start=10):
            data = Path(__file__).parent / "data" / "transcripts" / f"{name}.json"
            transcript = from_json(Transcript, data.read_text(encoding="utf-8"))
            coverage = align(notes, transcript)
            pacing = measure_pacing(notes, transcript, coverage, PacingOptions(target=180.0))
            sha = hashlib.sha256(name.encode()).hexdigest()
            result = TranscribeResult(transcript, cached=True, seconds=0.0, sha256=sha)
            analysis = build_analysis(notes, Path(f"{name}.m4a"), result, coverage, pacing)
            analysis = replace(analysis, created=f"2025-03-{day}T18:00:00+01:00")
            past = past_of(out / DB_NAME, analysis)
            folder = write_report(analysis, out, past=past)
            history.record(analysis, folder)
    return folder / "report.html"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium.webdriver.chrome.service import Service

    options = chrome.options(webdriver, tmp_path_factory.mktemp("chromium-profile"), "1200,900")
    driver = webdriver.Chrome(options=options, service=Service(chrome.CHROMEDRIVER))
    yield driver
    driver.quit()


def full_page_screenshot(browser, width: int, path: Path) -> Path:
    """The whole page at ``width`` CSS px (the window grown to the page's height)."""
    browser.set_window_size(width, 900)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, height + 100)
    assert browser.save_screenshot(str(path))
    assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 10_000
    return path


def kind(browser) -> str:
    """'deck' for the report of the example deck, else 'markdown' (named in the footer)."""
    return "deck" if ".pptx" in browser.find_element("css selector", "footer").text else "markdown"


def shots_dir(tmp_path: Path) -> Path:
    """Where screenshots go: $REHEARSE_SCREENSHOTS (to look at them) or the test's tmp dir."""
    folder = Path(os.environ.get("REHEARSE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_report_loads_every_image_and_fetches_nothing(browser, page, tmp_path):
    browser.set_window_size(1280, 900)
    browser.get(page.as_uri())
    widths = browser.execute_script(
        "return Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0)"
    )
    assert len(widths) == 3 and all(w > 0 for w in widths), widths
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => !n.startsWith('data:'))"
    )
    assert fetched == []
    assert "Kilka zdań o sobie" in browser.title
    assert widths == [1170, 1170, 1170]  # the wide charts, as in the report folder
    if kind(browser) == "deck":
        cells = browser.execute_script(
            "return Array.from(document.querySelectorAll('table.slides tbody tr'))"
            ".map(r => Array.from(r.cells).map(c => c.textContent.trim()))"
        )
        assert cells == [
            ["Slide 1 · Kilka zdań o sobie", "1:29", "1:30", "-0:01", "6 of 7"],
            ["Slide 2 · Dlaczego MLOps?", "1:01", "1:30", "-0:29", "5 of 7"],
        ]
    full_page_screenshot(browser, 1280, shots_dir(tmp_path) / f"{kind(browser)}-1280.png")


def test_report_fits_a_phone(browser, page, tmp_path):
    browser.set_window_size(390, 844)
    browser.get(page.as_uri())
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    header = browser.execute_script(
        "return getComputedStyle(document.querySelector('thead')).display"
    )
    assert header == "none"  # the points table turns into cards
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.naturalWidth, i.clientWidth,"
        " i.getBoundingClientRect().right])"
    )
    for natural, shown, right in images:
        assert natural == NARROW.width * NARROW.dpi  # the phone layout, not the wide one
        assert shown <= 390 and right <= 390  # scaled to the screen, no sideways scrolling
        assert NARROW.font / 72 * shown / NARROW.width >= 10  # chart text 10 px or more
    text_width = browser.execute_script(
        "return document.querySelector('td.text').getBoundingClientRect().width"
    )
    assert text_width > 300  # a card row, not a 45 % column
    full_page_screenshot(browser, 390, shots_dir(tmp_path) / f"{kind(browser)}-390.png")


def test_report_with_since_last_time_loads_every_image(browser, page_with_past, tmp_path):
    """Its four charts, the progress chart among them, load from the page itself; the
    section is there; on a phone it fits, charts in their phone layout."""
    browser.set_window_size(1280, 900)
    browser.get(page_with_past.as_uri())
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete ? i.naturalWidth : 0, i.alt])"
    )
    assert len(images) == 4 and all(width == 1170 for width, _ in images), images
    assert images[0][1] == "Points said, talk time and each point per rehearsal"
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => !n.startsWith('data:'))"
    )
    assert fetched == []
    heading = browser.find_element("id", "since-last")
    assert heading.text == "Since last time" and heading.is_displayed()
    section = heading.find_element("xpath", "..").text
    assert "3rd rehearsal: 14/14 points, +3 since last; 0:47 longer" in section
    assert "Newly said" in section and "czym sie interesuje poza MLem" in section
    full_page_screenshot(browser, 1280, shots_dir(tmp_path) / "since-1280.png")

    browser.set_window_size(390, 844)
    browser.get(page_with_past.as_uri())
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.naturalWidth, i.clientWidth,"
        " i.getBoundingClientRect().right])"
    )
    assert len(images) == 4
    for natural, shown, right in images:
        assert natural == NARROW.width * NARROW.dpi and shown <= 390 and right <= 390
        assert NARROW.font / 72 * shown / NARROW.width >= 10  # chart text 10 px or more
    full_page_screenshot(browser, 390, shots_dir(tmp_path) / "since-390.png")


@pytest.fixture(scope="module")
def class_page(shared_rehearsals, tmp_path_factory) -> Path:
    """A real class report: two shared rehearsals (cached transcripts) and a corrupt file."""
    from rehearse.batch import BatchOptions, plan, run_batch

    folder = tmp_path_factory.mktemp("class")
    for name in ("pl-skips", "pl-full"):
        shutil.copy(shared_rehearsals[name], folder)
    (folder / "broken.mp3").write_bytes(b"<b>not audio</b>" * 64)
    out = tmp_path_factory.mktemp("class-out")
    notes = ROOT / "benchmarks" / "cases" / "tune" / "kilka-zdan-o-sobie.md"
    run_batch(plan(folder, notes), out, batch=BatchOptions(jobs=1, record=False))
    return out / "batch.html"


@pytest.mark.parametrize("width", [1280, 390])
def test_class_report_links_every_report_and_fits_the_screen(browser, class_page, width, tmp_path):
    from urllib.parse import unquote, urlparse

    browser.set_window_size(width, 900)
    browser.get(class_page.as_uri())
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.naturalWidth, i.clientWidth])"
    )
    [(natural, shown)] = images
    assert natural == (NARROW.width * NARROW.dpi if width == 390 else 1170) and shown <= width
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    links = [a.get_attribute("href") for a in browser.find_elements("css selector", "td a")]
    assert len(links) == 2 and all(Path(unquote(urlparse(u).path)).is_file() for u in links)
    failed = browser.find_element("css selector", "tr.failed").text
    assert "broken" in failed and "cannot decode" in failed
    full_page_screenshot(browser, width, shots_dir(tmp_path) / f"class-{width}.png")


# --- the player: the recording's copy, every time a link -----------------------------

# Before any script of the page runs: keep every CSP violation the page causes.
WATCH_CSP = (
    "window.__violations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


@pytest.fixture(scope="module")
def heard(shared_rehearsals, tmp_path_factory) -> tuple[Path, object]:
    """A real report made by `rehearse analyze` of a real rehearsal (its real Whisper
    transcript from the session's cache), with its recording.m4a, and its analysis."""
    _, notes = demo_files()
    out = tmp_path_factory.mktemp("reports")
    args = ["analyze", shared_rehearsals["pl-skips"], "--notes", notes, "--out", out]
    result = CliRunner().invoke(app, [*map(str, args), "--target", "3m", "--no-history"])
    assert result.exit_code == 0, result.output
    page = next(out.rglob("report.html"))
    assert (page.parent / "recording.m4a").is_file()
    return page, load_analysis(page.parent)


def open_watched(browser, page: Path, width: int) -> None:
    browser.set_window_size(width, 844)
    browser.get_log("browser")  # drop what earlier pages logged
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_CSP})
    browser.get(page.as_uri())


def audio_state(browser) -> dict:
    return browser.execute_script(
        "const a = document.getElementById('player-audio');"
        "return {t: a.currentTime, paused: a.paused, ready: a.readyState, d: a.duration}"
    )


def wait_for(browser, script: str, seconds: float = 10.0):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, seconds, 0.05).until(lambda b: b.execute_script(script))


def click(browser, element) -> float:
    """Click ``element`` (scrolled clear of the sticky player); its data-t."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
    return float(element.get_attribute("data-t"))


@pytest.mark.parametrize("width", [1280, 390])
def test_every_time_plays_the_recording_from_there(browser, heard, width, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    page, analysis = heard
    open_watched(browser, page, width)
    wait_for(browser, "return document.getElementById('player-audio').readyState >= 1")
    state = audio_state(browser)
    assert state["d"] == pytest.approx(analysis.summary.duration, abs=0.5) and state["paused"]
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1

    # point 5's time in the points table
    row = analysis.points.index(next(p for p in analysis.points if p.number == 5))
    link = browser.find_element("css selector", f'tr[data-point="{row}"] td[data-label="At"] a')
    t = click(browser, link)
    assert t == pytest.approx(analysis.points[row].start, abs=0.01)
    assert audio_state(browser)["t"] == pytest.approx(t, abs=0.3)
    wait_for(browser, "return !document.getElementById('player-audio').paused")
    wait_for(browser, "return document.getElementById('now').textContent.startsWith('Now: 5.')")
    playing = browser.find_element("css selector", ".passage.playing h3").text
    assert "5. Uwielbiam" in playing
    assert browser.find_elements("css selector", f'tr.playing[data-point="{row}"]')

    # the player stays in reach while the page scrolls
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    top = browser.execute_script(
        "return document.querySelector('.player').getBoundingClientRect().top"
    )
    assert top == pytest.approx(0, abs=1)

    # a transcript sentence; space pauses and plays; the arrow steps 5 s
    sentence = browser.find_elements("css selector", ".talk a.s[data-t]")[20]
    t = click(browser, sentence)
    assert audio_state(browser)["t"] == pytest.approx(t, abs=0.3)
    wait_for(browser, "return document.querySelector('[data-w].here') !== null")
    ActionChains(browser).send_keys(Keys.SPACE).perform()
    assert audio_state(browser)["paused"]
    at = audio_state(browser)["t"]
    ActionChains(browser).send_keys(Keys.ARROW_RIGHT).perform()
    assert audio_state(browser)["t"] == pytest.approx(at + 5, abs=0.3)
    ActionChains(browser).send_keys(Keys.SPACE).perform()
    wait_for(browser, "return !document.getElementById('player-audio').paused")

    # a bar of the coverage chart: the layout this screen shows
    kind = "narrow" if width <= 640 else "wide"
    hits = browser.find_elements("css selector", f".hit.{kind}")
    assert hits and all(h.is_displayed() for h in hits)
    t = click(browser, hits[3])
    assert audio_state(browser)["t"] == pytest.approx(t, abs=0.3)
    browser.execute_script("document.getElementById('player-audio').pause()")

    assert browser.execute_script("return window.__violations") == []
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => !n.startsWith('data:'))"
    )
    assert all(n.startswith(page.parent.as_uri()) for n in fetched), fetched
    full_page_screenshot(browser, width, shots_dir(tmp_path) / f"player-{width}.png")


def test_without_the_copy_the_page_reads_without_a_player(browser, heard, tmp_path):
    _, analysis = heard
    page = write_report(analysis, tmp_path / "reports", audio=False) / "report.html"
    open_watched(browser, page, 390)
    assert browser.find_elements("css selector", "audio, script, a[data-t]") == []
    assert "no player" in browser.find_element("css selector", ".noaudio").text
    assert len(browser.find_elements("css selector", ".passage")) >= 11
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    assert browser.execute_script("return window.__violations") == []


def test_compare_plays_then_and_now_from_each_recording(browser, heard, tmp_path):
    """`compare A B --html`: A's report has its copy, B's is the same analysis of another
    take; each point's then plays A's recording, now plays B's, from file:// next door."""
    from typer.testing import CliRunner

    from rehearse.cli import app

    _, analysis = heard
    a = write_report(analysis, tmp_path / "a")
    b = write_report(analysis, tmp_path / "b")
    page = tmp_path / "pages" / "then-now.html"
    result = CliRunner().invoke(
        app, ["compare", str(a), str(b), "--html", str(page), "--out", str(tmp_path / "a")]
    )
    assert result.exit_code == 0, result.output
    open_watched(browser, page, 390)
    wait_for(browser, "return [...document.querySelectorAll('audio')].every(a => a.readyState)")
    then = browser.find_elements("css selector", 'a[data-player="player-then"]')[4]
    t = click(browser, then)
    said = [p.start for p in analysis.points if p.start is not None]
    assert t == pytest.approx(said[4], abs=0.01)
    state = browser.execute_script(
        "return [...document.querySelectorAll('audio')].map(a => [a.id, a.currentTime])"
    )
    assert state[0][0] == "player-then" and state[0][1] == pytest.approx(t, abs=0.3)
    now = browser.find_elements("css selector", 'a[data-player="player-now"]')[6]
    t = click(browser, now)
    wait_for(browser, "return !document.getElementById('player-now').paused")
    assert browser.execute_script("return document.getElementById('player-then').paused")
    at = browser.execute_script("return document.getElementById('player-now').currentTime")
    assert at == pytest.approx(t, abs=0.5)
    browser.execute_script("document.querySelectorAll('audio').forEach(a => a.pause())")
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    assert browser.execute_script("return window.__violations") == []
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
