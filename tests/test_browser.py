"""report.html in a real headless Chromium: every chart loads, nothing is fetched, phones fit."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from rehearse.align import align
from rehearse.analysis import build_analysis, demo_files
from rehearse.models import Transcript, from_json
from rehearse.notes import load_notes
from rehearse.pacing import PacingOptions, measure_pacing
from rehearse.report import write_report
from rehearse.report.charts import NARROW
from rehearse.transcribe import TranscribeResult

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
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

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1200,900")
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
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
