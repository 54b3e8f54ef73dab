"""Live following, end to end: the record page in a real Chromium whose fake microphone plays a
real rehearsal (a human voice; point 5 left out, 3 and 4 swapped) streams it to a real
``rehearse serve``, which transcribes it with the base model as it comes; the live panel shows
the current point change as the talk goes on and "not said yet" for the skipped point."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import chrome
import pytest

pytest.importorskip("starlette", reason="the web extra is not installed")

from test_serve import start

CASES = Path(__file__).parent.parent / "benchmarks" / "cases" / "tune"
NOTES = CASES / "babylon.md"
RECORDING = CASES / "babylon-cut.wav"  # 67 s: 1, 2, 4, 3, 6, 7 (5 left out)
SKIPPED = "5"
CHANGES = 3  # current point changes the panel must show at least
FOLLOWED = 240  # s to wait for it all (the recording plays in real time; a loaded machine lags)


@pytest.fixture
def live_server(tmp_path):
    folder = tmp_path / "talks"
    folder.mkdir()
    shutil.copy(NOTES, folder)
    running = start(folder)
    yield running
    running.process.terminate()
    running.process.wait(timeout=30)


@pytest.fixture
def browser(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed")
    driver = chrome.with_microphone(webdriver, tmp_path, RECORDING, "900,1000")
    yield driver
    driver.quit()


@pytest.mark.browser
@pytest.mark.skipif(not chrome.AVAILABLE, reason="headless Chromium not installed")
def test_the_live_panel_follows_a_take_and_names_the_skipped_point(live_server, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{live_server.url}/record?talk={NOTES.name}")
    browser.find_element(By.ID, "rec").click()
    shown, missed = [], ""
    deadline = time.monotonic() + FOLLOWED
    while time.monotonic() < deadline:
        now = browser.find_element(By.ID, "live-now").text
        found = re.match(r"(\d+)\. ", now)
        if found and (not shown or shown[-1] != found[1]):
            shown.append(found[1])
        panel = browser.find_element(By.ID, "live-missed")
        if panel.is_displayed():
            missed = panel.text
        if SKIPPED in re.findall(r"\d+", missed) and len(shown) > CHANGES:
            break
        time.sleep(0.5)
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
    assert len(shown) > CHANGES, shown
    assert shown[0] == "1", shown
    assert missed.startswith("Not said yet") and SKIPPED in re.findall(r"\d+", missed), missed
    assert browser.find_element(By.ID, "live-next").text
    browser.find_element(By.ID, "stop").click()
    time.sleep(1)
    assert browser.find_element(By.ID, "send-take").is_displayed()  # the analysis as before


def test_the_live_api_checks_every_post_and_answers_the_view(live_server):
    import json
    import urllib.error
    import urllib.request

    from clips import decode

    from rehearse.audio import SAMPLE_RATE

    server = live_server

    def post(path: str, body: bytes, headers: dict) -> tuple[int, dict]:
        request = urllib.request.Request(server.url + path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    assert server.post("/api/live", {"talk": NOTES.name}, {}, {"X-CSRF-Token": "x"})[0] == 403
    elsewhere = {"Origin": "http://evil.example"}
    assert server.post("/api/live", {"talk": NOTES.name}, {}, elsewhere)[0] == 403
    assert server.post("/api/live", {"talk": "nothere.md"}, {}, {})[0] == 404
    status, started = server.post("/api/live", {"talk": NOTES.name, "target": "1m"}, {})
    assert status == 200, started
    take = started["id"]
    own = {"Origin": server.url, "X-CSRF-Token": server.csrf}
    samples = decode(RECORDING)[: 12 * SAMPLE_RATE].astype("<f4")
    no_token = {"Origin": server.url}
    assert post(f"/api/live/{take}/audio", samples[:100].tobytes(), no_token)[0] == 403
    assert post(f"/api/live/{take}/audio", b"abc", own)[0] == 400  # not float32 samples
    for i in range(0, len(samples), SAMPLE_RATE):
        status, view = post(f"/api/live/{take}/audio", samples[i : i + SAMPLE_RATE].tobytes(), own)
        assert status == 200, view
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (view["current"] is None or view["heard"] < 12.0):
        time.sleep(1)
        view = server.json(f"/api/live/{take}")
    assert view["current"]["number"] == 1 and view["next"]["number"] == 2, view
    assert view["budget"] and view["error"] is None
    assert post(f"/api/live/{take}/stop", b"", own) == (200, {"stopped": True})
    assert server.get(f"/api/live/{take}")[0] == 404
