"""`rehearse serve`, the real server on 127.0.0.1 in a process of its own: a recording
uploaded through the API is analysed into a report and the history the CLI reads; bad
requests are refused with a clear message and nothing written."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace
from pathlib import Path

import chrome
import pytest
from typer.testing import CliRunner

pytest.importorskip("starlette", reason="the web extra is not installed")

from rehearse.cli import app
from rehearse.history import HistoryDB
from rehearse.web.jobs import JobState, seconds_left

ROOT = Path(__file__).parent.parent
NOTES = ROOT / "rehearse" / "data" / "kilka-zdan-o-sobie.md"
RECORDING = ROOT / "rehearse" / "data" / "pl-skips.mp3"
TALK = NOTES.name
LIMIT_MB = 2  # the server's upload limit in these tests: the recording (0.9 MB) fits
READY = 60  # s for the server to answer (a loaded machine imports slowly)
ANALYSED = 300  # s for the job; the transcript is cached, a cold machine still loads models


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A running ``rehearse serve`` over ``folder`` and how to talk to it."""

    def __init__(self, folder: Path, port: int, process: subprocess.Popen) -> None:
        self.folder, self.port, self.process = folder, port, process
        self.url = f"http://127.0.0.1:{port}"
        self.csrf = ""
        self.context = None  # an ssl.SSLContext trusting the server's certificate, for HTTPS

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            request = urllib.request.urlopen(self.url + path, timeout=30, context=self.context)
            with request as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def json(self, path: str) -> dict:
        status, body = self.get(path)
        assert status == 200, body
        return json.loads(body)

    def post(self, path: str, fields: dict, files: dict, headers: dict | None = None):
        """A multipart POST as the pages send it (their Origin and CSRF token, unless
        ``headers`` says otherwise); (status, answer)."""
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, data) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + data
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        sent = {"Origin": self.url, "X-CSRF-Token": self.csrf}
        sent.update(headers or {})
        sent["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        request = urllib.request.Request(
            self.url + path,
            data=body,
            headers={k: v for k, v in sent.items() if v is not None},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60, context=self.context) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")
        except (ConnectionError, urllib.error.URLError) as exc:  # closed mid-upload: refused
            return 413, {"error": str(exc)}


def start(folder: Path, *args: str, limit: int = LIMIT_MB, cafile: Path | None = None) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "rehearse", "serve", "--dir", str(folder), "--port", str(port),
               "--max-upload", str(limit), *args]  # fmt: skip
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    server = Server(folder, port, process)
    if cafile is not None:
        server.url = f"https://127.0.0.1:{port}"
        server.context = ssl.create_default_context(cafile=str(cafile))
    deadline = time.monotonic() + READY
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode())
        try:
            server.csrf = server.json("/api/session")["csrf"]
            return server
        except (OSError, AssertionError):
            time.sleep(0.3)
    process.kill()
    raise AssertionError("the server did not answer")


@pytest.fixture
def server(tmp_path, shared_rehearsals):
    yield from _serving(tmp_path, LIMIT_MB)


@pytest.fixture
def roomy_server(tmp_path, shared_rehearsals):
    """A server taking the 2.5 MB a browser makes of the 2:38 rehearsal."""
    yield from _serving(tmp_path, 64)


def _serving(tmp_path: Path, limit: int):
    folder = tmp_path / "talks"
    folder.mkdir()
    shutil.copy(NOTES, folder)
    running = start(folder, limit=limit)
    yield running
    running.process.terminate()
    running.process.wait(timeout=30)


def tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def wait_for(server: Server, job: str) -> dict:
    deadline = time.monotonic() + ANALYSED
    seen = []
    while time.monotonic() < deadline:
        state = server.json(f"/api/jobs/{job}")
        seen.append(state)
        assert state["state"] in ("queued", "running", "done", "failed", "cancelled"), state
        if state["state"] in ("done", "failed", "cancelled"):
            return state | {"seen": seen}
        time.sleep(0.5)
    raise AssertionError(f"job {job} not done: {seen[-1]}")


def test_the_time_left_is_guessed_from_the_time_so_far_and_the_share_done():
    assert seconds_left(0.05, 3) is None and seconds_left(0.0, 10) is None  # too soon to tell
    assert seconds_left(1.0, 60) is None  # done
    assert seconds_left(0.25, 12) == 35  # 36 s left, rounded to 5 s
    assert seconds_left(0.5, 40) == 40
    assert seconds_left(0.99, 10) == 5  # never "0:00 left" while it runs
    job = JobState("j", "talk", state="running", share=0.5, started=100.0)
    assert job.seconds_left(now=140.0) == 40
    assert replace(job, state="done").seconds_left(now=140.0) is None
    assert replace(job, started=None).seconds_left(now=140.0) is None


@pytest.mark.slow
def test_an_uploaded_recording_is_analysed_into_a_report_and_the_history(server):
    assert server.json("/api/talks")["talks"][0]["talk"] == TALK
    status, answer = server.post(
        "/api/rehearsals",
        {"talk": TALK, "target": "3m"},
        {"recording": ("pl-skips.mp3", RECORDING.read_bytes())},
    )
    assert status == 202, answer
    done = wait_for(server, answer["job"])
    assert done["state"] == "done", done
    assert done["share"] == 1.0 and done["error"] is None
    shares = [s["share"] for s in done["seen"]]
    assert shares == sorted(shares)  # the tracker's share never goes back
    assert any(s["stage"].startswith("Aligning") or s["state"] == "done" for s in done["seen"])
    assert done["seconds_left"] is None  # nothing left once done
    for seen in done["seen"]:  # guessed only while running, past the first steps, not at 100 %
        if seen["state"] != "running" or not 0.05 < seen["share"] < 1:
            assert seen["seconds_left"] is None, seen
        else:
            assert seen["seconds_left"] > 0 and seen["seconds_left"] % 5 == 0, seen

    with urllib.request.urlopen(server.url + done["report"], timeout=30) as answer:
        page = answer.read()
        # the report's own <meta> policy governs it; the header only forbids framing
        assert answer.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert b"Kilka zda" in page and b'http-equiv="Content-Security-Policy"' in page
    relative = done["report"].removeprefix("/reports/").removesuffix("/report.html")
    folder = server.folder / "reports" / relative
    assert (folder / "report.html").is_file() and (folder / "analysis.json").is_file()
    analysis = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))
    assert [p["number"] for p in analysis["points"] if p["status"] == "missed"] == [3, 9, 13]

    database = server.folder / "reports" / "history.sqlite"
    with HistoryDB.open(database) as history:
        [(talk, _)] = history.talks()
        [rehearsal] = history.history(talk, None).rehearsals
    assert Path(rehearsal.report) == folder.resolve()
    recordings = list((server.folder / "recordings").iterdir())
    assert [Path(rehearsal.recording).name] == [r.name for r in recordings]
    assert recordings[0].read_bytes() == RECORDING.read_bytes()

    result = CliRunner().invoke(
        app,
        ["history", str(server.folder / TALK), "--out", str(server.folder / "reports")],
        env={"COLUMNS": "120"},
    )
    assert result.exit_code == 0, result.output
    assert "1 rehearsal" in result.output and "3, 9, 13" in result.output

    listed = server.json("/api/talks")["talks"][0]
    assert listed["rehearsals"] == 1 and listed["last"]["skipped"] == [3, 9, 13]
    assert listed["last"]["report"] == done["report"]
    status, page = server.get(f"/talks/{TALK}")
    assert status == 200 and done["report"].encode() in page
    status, page = server.get("/")
    assert status == 200 and b"79 % said</strong> in 2:38, skipped 3, 9, 13" in page


@pytest.mark.slow
def test_a_job_a_stopped_server_did_not_finish_is_interrupted_and_runs_again(server):
    status, answer = server.post(
        "/api/rehearsals", {"talk": TALK}, {"recording": ("a.mp3", RECORDING.read_bytes())}
    )
    assert status == 202, answer
    wait_running(server, answer["job"])
    server.process.terminate()
    server.process.wait(timeout=30)
    reports = server.folder / "reports"
    assert not list(reports.glob("*/*/report.html"))  # nothing half-written
    again = start(server.folder)
    try:
        state = again.json(f"/api/jobs/{answer['job']}")
        assert state["state"] == "interrupted" and "stopped" in state["error"], state
        run_again(again, answer["job"], reports)
    finally:
        again.process.terminate()
        again.process.wait(timeout=30)


def wait_running(server, job: str) -> None:
    """Until the job is running (an assertion after ``READY`` seconds)."""
    deadline = time.monotonic() + READY
    while server.json(f"/api/jobs/{job}")["state"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.1)


def run_again(server, job: str, reports: Path) -> None:
    """'Run again' of a job that left no report starts one that ends with the one report."""
    status, rerun = server.post(f"/api/jobs/{job}/again", {}, {})
    assert status == 202, rerun
    assert wait_for(server, rerun["job"])["state"] == "done"
    assert len(list(reports.glob("*/*/report.html"))) == 1


@pytest.mark.slow
def test_a_cancelled_job_leaves_no_report_and_can_run_again(tmp_path, shared_rehearsals):
    folder = tmp_path / "talks"
    folder.mkdir()
    shutil.copy(NOTES, folder)
    server = start(folder, "--jobs", "1")
    try:
        # the first 50 s of the rehearsal: new audio, so Whisper really transcribes it
        first = ("first.mp3", RECORDING.read_bytes()[:300_000])
        status, running = server.post("/api/rehearsals", {"talk": TALK}, {"recording": first})
        assert status == 202, running
        status, queued = server.post(
            "/api/rehearsals", {"talk": TALK}, {"recording": ("b.mp3", RECORDING.read_bytes())}
        )
        assert status == 202, queued
        status, answer = server.post(f"/api/jobs/{queued['job']}/cancel", {}, {})
        assert status == 202 and answer["state"] in ("queued", "cancelled"), answer
        wait_running(server, running["job"])
        status, answer = server.post(f"/api/jobs/{running['job']}/cancel", {}, {},
                                     {"X-CSRF-Token": "wrong"})  # fmt: skip
        assert status == 403, answer
        status, answer = server.post(f"/api/jobs/{running['job']}/cancel", {}, {})
        assert status == 202 and answer["stage"] == "Cancelling", answer
        for job in (running["job"], queued["job"]):
            state = wait_for(server, job)
            assert state["state"] == "cancelled" and "nothing" in state["error"], state
        assert server.post(f"/api/jobs/{running['job']}/cancel", {}, {})[0] == 404
        reports = folder / "reports"
        left = [p for p in reports.rglob("*") if p.suffix in (".html", ".json", ".png")]
        assert left == [reports / ".serve-jobs.json"], left  # no report, whole or partial
        assert not list((reports / ".serve-cancel").iterdir())
        if (reports / "history.sqlite").exists():
            with HistoryDB.open(reports / "history.sqlite") as history:
                assert history.talks() == []
        status, page = server.get(f"/jobs/{running['job']}")
        assert status == 200 and b'id="job-again">' in page  # "Run again" shown, not hidden

        run_again(server, queued["job"], reports)
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)


def test_bad_requests_are_refused_and_nothing_is_written(server):
    before = tree(server.folder)
    audio = RECORDING.read_bytes()[:4096]  # small: a refusal may come before the body is read
    refused = {
        "not audio": server.post(
            "/api/rehearsals", {"talk": TALK}, {"recording": ("take.mp3", b"just text " * 100)}
        ),
        "oversized": server.post(
            "/api/rehearsals",
            {"talk": TALK},
            {"recording": ("big.wav", b"RIFF\0\0\0\0WAVE" + bytes((LIMIT_MB + 1) << 20))},
        ),
        "traversal": server.post(
            "/api/rehearsals", {"talk": "../talks/" + TALK}, {"recording": ("a.mp3", audio)}
        ),
        "absolute": server.post(
            "/api/rehearsals", {"talk": str(server.folder / TALK)}, {"recording": ("a.mp3", audio)}
        ),
        "cross-origin": server.post(
            "/api/rehearsals",
            {"talk": TALK},
            {"recording": ("a.mp3", audio)},
            {"Origin": "http://evil.example"},
        ),
        "no csrf token": server.post(
            "/api/rehearsals",
            {"talk": TALK},
            {"recording": ("a.mp3", audio)},
            {"X-CSRF-Token": None},
        ),
        "notes not notes": server.post(
            "/api/notes", {}, {"notes": ("../../escape.md", b"no numbered points here")}
        ),
    }
    expected = {"not audio": 400, "oversized": 413, "traversal": 400, "absolute": 400,
                "cross-origin": 403, "no csrf token": 403, "notes not notes": 400}  # fmt: skip
    for what, (status, answer) in refused.items():
        assert status == expected[what], (what, status, answer)
        if what != "oversized":  # the server may close the connection instead of answering
            assert answer["error"] and "\n" not in answer["error"], what
    assert "not a recording" in refused["not audio"][1]["error"]
    assert "no talk" in refused["traversal"][1]["error"]
    assert "cross-origin" in refused["cross-origin"][1]["error"]
    for path in ("/reports/history.sqlite", "/reports/../kilka-zdan-o-sobie.md",
                 "/reports/%2e%2e/kilka-zdan-o-sobie.md", "/talks/../etc/passwd"):  # fmt: skip
        assert server.get(path)[0] == 404, path
    assert tree(server.folder) == before
    assert server.json("/api/jobs")["jobs"] == []


def analysed(server: Server, recording: Path) -> str:
    """``rehearse analyze`` of ``recording`` into the server's reports folder and history (as a
    speaker who rehearses in the terminal too); the URL of its report."""
    reports = server.folder / "reports"
    before = set(reports.rglob("report.html"))
    args = ["analyze", str(recording), "--notes", str(server.folder / TALK), "--out",
            str(reports), "--target", "3m"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    [page] = set(reports.rglob("report.html")) - before
    assert (page.parent / "recording.m4a").is_file()
    return "/reports/" + page.relative_to(reports).as_posix()


def test_a_served_report_sends_its_recording_in_ranges(server, shared_rehearsals):
    url = analysed(server, shared_rehearsals["pl-skips"])
    with urllib.request.urlopen(server.url + url, timeout=30) as answer:
        page = answer.read().decode()
        # the report's own <meta> policy governs it (the player's script by its hash, the
        # recording from the app); the header only forbids framing
        assert answer.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    meta = page.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0]
    assert "media-src 'self'" in meta and "script-src 'sha256-" in meta
    assert 'src="recording.m4a"' in page
    audio = url.removesuffix("report.html") + "recording.m4a"
    copy = (server.folder / url.removeprefix("/")).parent / "recording.m4a"
    request = urllib.request.Request(server.url + audio, headers={"Range": "bytes=1000-1999"})
    with urllib.request.urlopen(request, timeout=30) as answer:  # a seek, as a player asks
        assert answer.status == 206
        assert answer.headers["Content-Range"] == f"bytes 1000-1999/{copy.stat().st_size}"
        assert answer.headers["Content-Type"].startswith("audio/")
        assert answer.read() == copy.read_bytes()[1000:2000]


@pytest.mark.slow
def test_a_talks_trend_and_most_skipped_points_and_its_last_two_compared(server, shared_rehearsals):
    analysed(server, shared_rehearsals["pl-full"])
    analysed(server, shared_rehearsals["pl-skips"])  # skips 3, 9 and 13
    [listed] = server.json("/api/talks")["talks"]
    assert listed["rehearsals"] == 2 and listed["trend"][1] == pytest.approx(11 / 14)
    full = listed["trend"][0]
    assert [(h["number"], h["skipped"], h["of"]) for h in listed["most_skipped"]] == [
        (3, 1, 2), (9, 1, 2), (13, 1, 2)
    ]  # fmt: skip
    status, page = server.get("/")
    text = page.decode()
    assert status == 200 and f"Said, last 2: {round(full * 100)} % → 79 %" in text
    assert "Skipped most:" in text and "1 of 2" in text

    status, page = server.get(f"/talks/{TALK}")
    link = f'href="/reports/.compare?talk={TALK}"'
    assert status == 200 and link in page.decode() and b"Compare the last two" in page
    with urllib.request.urlopen(f"{server.url}/reports/.compare?talk={TALK}", timeout=30) as got:
        compared = got.read().decode()
        assert got.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert "then and now" in compared and "media-src 'self'" in compared
    sources = re.findall(r'<audio[^>]* src="([^"]+)"', compared)
    assert len(sources) == 2 and sources[0] != sources[1]
    for source in sources:  # relative to /reports/: each rehearsal's recording, in ranges
        url = urllib.parse.urljoin(f"{server.url}/reports/.compare", source)
        request = urllib.request.Request(url, headers={"Range": "bytes=0-99"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 206 and len(answer.read()) == 100

    with HistoryDB.open(server.folder / "reports" / "history.sqlite") as history:
        [(talk, _)] = history.talks()
        first, second = (r.id for r in history.history(talk, None).rehearsals)
    status, page = server.get(f"/reports/.compare?talk={TALK}&a={second}&b={first}")
    assert status == 200 and page.decode() == compared  # older first, whichever comes first
    for query in (f"a={first}&b={first}", f"a={first}&b=99", "a=../x&b=1"):
        status, page = server.get(f"/reports/.compare?talk={TALK}&{query}")
        assert status == 400 and b"two different rehearsals" in page, query
    assert server.get("/reports/.compare?talk=../etc/passwd")[0] == 404


def test_uploaded_notes_are_stored_under_a_name_of_the_servers(server):
    status, answer = server.post(
        "/api/notes", {}, {"notes": ("../../outside.md", NOTES.read_bytes())}
    )
    assert status == 201, answer
    assert answer["talk"].startswith("notes-") and "outside" not in answer["talk"]
    assert not (server.folder.parent / "outside.md").exists()
    assert (server.folder / answer["talk"]).read_bytes() == NOTES.read_bytes()
    assert answer["talk"] in [t["talk"] for t in server.json("/api/talks")["talks"]]


def test_pages_are_served_with_a_strict_policy(server):
    for path in ("/", f"/talks/{TALK}", f"/record?talk={TALK}", "/static/app.js"):
        request = urllib.request.urlopen(server.url + path, timeout=30)
        policy = request.headers["Content-Security-Policy"]
        assert request.status == 200 and "script-src 'self'" in policy, path
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_a_bad_folder_or_a_taken_port_is_one_line(tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "rehearse", "serve", *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)  # fmt: skip

    missing = run("--dir", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and missing.stderr.startswith("error: --dir")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = run("--dir", str(tmp_path), "--port", str(port))
    assert busy.returncode == 2 and f"port {port}" in busy.stderr and "in use" in busy.stderr
    assert len(busy.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # nothing made: not even the reports folder


def test_an_open_host_without_a_token_gets_one_made_and_printed(tmp_path):
    port = free_port()
    command = [sys.executable, "-m", "rehearse", "serve", "--dir", str(tmp_path), "--port",
               str(port), "--host", "0.0.0.0"]  # fmt: skip
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # printed once the port is bound
        assert f"http://0.0.0.0:{port}/?token=" in line, line
        token = line.split("?token=")[1].split()[0]
        assert len(token) >= 20 and token.replace("-", "").replace("_", "").isalnum()
        assert "HTTPS" in process.stdout.readline()
        server = Server(tmp_path, port, process)
        assert server.get("/api/talks")[0] == 401
        assert server.get(f"/api/talks?token={token}")[0] == 200
        # another device names this machine by its address: the token is what is checked
        for host in ("192.0.2.7", "laptop.local"):
            request = urllib.request.Request(
                f"{server.url}/api/talks",
                headers={"Authorization": f"Bearer {token}", "Host": host},
            )
            with urllib.request.urlopen(request, timeout=30) as answer:
                assert answer.status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_token_is_asked_of_every_request_when_given(tmp_path):
    port = free_port()
    command = [sys.executable, "-m", "rehearse", "serve", "--dir", str(tmp_path), "--port",
               str(port), "--token", "s3cret"]  # fmt: skip
    process = subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE)
    server = Server(tmp_path, port, process)
    try:
        deadline = time.monotonic() + READY
        while time.monotonic() < deadline:
            try:
                status, body = server.get("/api/talks")
                break
            except OSError:
                time.sleep(0.3)
        assert status == 401 and b"token" in body
        assert server.get("/api/talks?token=wrong")[0] == 401
        assert server.get("/?token=s3cret")[0] == 200
        request = urllib.request.Request(
            server.url + "/api/talks", headers={"Authorization": "Bearer s3cret"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


# --- in a real browser, its microphone a real rehearsal -------------------------------------

LENGTH = 158  # s: pl-skips.mp3, recorded in real time
RECORDED_ANALYSED = 420  # s: the take is new audio, so Whisper really transcribes it


@pytest.fixture
def browser(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed")
    phone = {"width": 390, "height": 844, "pixelRatio": 3}  # headless windows are >= 500
    driver = chrome.with_microphone(webdriver, tmp_path, RECORDING, "390,900", phone)
    yield driver
    driver.quit()


@pytest.mark.browser
@pytest.mark.skipif(
    not chrome.AVAILABLE,
    reason="headless Chromium not installed (Debian chromium, chromium-driver)",
)
def test_the_pages_fit_a_phone_and_load_nothing_from_elsewhere(server, browser):
    from selenium.webdriver.common.by import By

    for path in ("/", f"/talks/{TALK}", f"/record?talk={TALK}"):
        browser.get(server.url + path)
        width = browser.execute_script("return [innerWidth, document.body.scrollWidth]")
        assert width[0] == 390 and width[1] <= 390, (path, width)
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, (path, errors)  # a CSP violation or a script error is SEVERE
    assert browser.find_element(By.ID, "rec").size["height"] >= 44  # a thumb's target


# Before any script of the page runs: keep every CSP violation the page causes.
WATCH_CSP = (
    "window.__violations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


@pytest.mark.browser
@pytest.mark.skipif(
    not (chrome.AVAILABLE and shutil.which("ffmpeg")),
    reason="headless Chromium or ffmpeg not installed (Debian chromium, chromium-driver)",
)
def test_a_served_report_plays_its_recording(server, browser, shared_rehearsals):
    from selenium.webdriver.support.ui import WebDriverWait

    url = analysed(server, shared_rehearsals["pl-skips"])
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_CSP})
    browser.get(server.url + url)

    def until(script: str):
        return WebDriverWait(browser, 15, 0.05).until(lambda b: b.execute_script(script))

    until("return document.getElementById('player-audio').readyState >= 1")
    duration = browser.execute_script("return document.getElementById('player-audio').duration")
    assert duration == pytest.approx(LENGTH, abs=2)
    link = browser.find_elements("css selector", ".talk a.s[data-t]")[10]  # a sentence
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    t = float(link.get_attribute("data-t"))
    until("const a = document.getElementById('player-audio'); return !a.paused")
    until(f"return document.getElementById('player-audio').currentTime > {t + 0.5}")
    browser.execute_script("document.getElementById('player-audio').pause()")
    assert browser.execute_script("return window.__violations") == []
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def test_talks_are_the_folders_markdown_notes_and_decks(tmp_path):
    from rehearse.notes import load_notes
    from rehearse.web.talks import find_talks

    shutil.copy(NOTES, tmp_path)
    (tmp_path / "slides").mkdir()
    shutil.copy(ROOT / "notes" / "kilka-zdan-o-sobie.pptx", tmp_path / "slides")
    (tmp_path / "todo.md").write_text("no numbered points\n", encoding="utf-8")
    # read as notes by `rehearse points`, but mostly something else: not talks
    shutil.copy(ROOT / "README.md", tmp_path)
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "how-it-works.md", tmp_path / "docs")
    assert all(load_notes(tmp_path / f).points for f in ("README.md", "docs/how-it-works.md"))
    (tmp_path / "reports" / "talk" / "take").mkdir(parents=True)
    shutil.copy(NOTES, tmp_path / "reports" / "talk" / "take" / "report.md")
    talks = find_talks(tmp_path, skip=tmp_path / "reports")
    assert sorted(talks) == [TALK, "slides/kilka-zdan-o-sobie.pptx"]
    assert all(len(t.notes.points) == 14 for t in talks.values())
    plan = talks[TALK].plan
    assert [p.number for p in plan] == list(range(1, 15)) and plan[0].budget is None
    # the notes' one heading is their title: the talk's page does not say it again over them
    assert [(s.title, len(s.points)) for s in talks[TALK].sections] == [("", 14)]
    slides = talks["slides/kilka-zdan-o-sobie.pptx"].sections  # a deck: its slides, numbered
    assert all(s.slide for s in slides) and sum(len(s.points) for s in slides) == 14


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(
    not (chrome.AVAILABLE and shutil.which("ffmpeg")),
    reason="headless Chromium or ffmpeg not installed (Debian chromium, chromium-driver)",
)
def test_a_take_recorded_in_the_browser_reaches_its_report(roomy_server, browser):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    server = roomy_server
    browser.get(f"{server.url}/record?talk={TALK}")
    browser.find_element(By.ID, "target").send_keys("3m")
    browser.find_element(By.ID, "rec").click()
    time.sleep(20)
    assert browser.find_element(By.ID, "elapsed").text in ("0:19", "0:20", "0:21")
    assert browser.find_element(By.ID, "now").text.startswith("2. ")  # 0:16 planned for 1.
    assert browser.find_element(By.ID, "next").text.startswith("3. ")
    assert browser.find_element(By.ID, "left").text in ("2:39 left", "2:40 left", "2:41 left")
    levels = []  # the meter over two seconds (one sample may fall between words)
    for _ in range(20):
        levels.append(float(browser.find_element(By.ID, "level").get_attribute("value")))
        time.sleep(0.1)
    assert max(levels) > 0.3, levels
    time.sleep(LENGTH - 22 + 3)
    browser.find_element(By.ID, "stop").click()
    time.sleep(1)
    send = browser.find_element(By.ID, "send-take")
    assert send.is_displayed()
    send.click()
    deadline = time.monotonic() + RECORDED_ANALYSED
    while "/reports/" not in browser.current_url and time.monotonic() < deadline:
        try:
            status = browser.find_elements(By.ID, "status")  # the record page: refused?
            said = status[0].text if status else ""
            error = browser.find_elements(By.ID, "job-error")  # the analysing page: failed?
            failed = error[0].text if error and error[0].is_displayed() else ""
        except StaleElementReferenceException:  # the page changed under us
            continue
        assert not said or said.startswith(("Recorded", "Uploading")), said
        assert not failed, failed
        time.sleep(1)
    assert browser.current_url.endswith("/report.html"), browser.current_url
    assert "Kilka zdań o sobie" in browser.page_source
    listed = server.json("/api/talks")["talks"][0]
    assert listed["rehearsals"] == 1 and listed["last"]["talk_time"] > 120
    assert listed["last"]["skipped"] == [3, 9, 13]
    [take] = (server.folder / "recordings").iterdir()
    assert take.suffix == ".webm" and take.stat().st_size > 100_000


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by its own key (cert.pem, key.pem in ``folder``), made
    with the ``cryptography`` package, else Debian's ``openssl``; the test is skipped without."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        openssl = shutil.which("openssl")
        if openssl is None:
            pytest.skip("neither the cryptography package nor openssl to make a certificate")
        subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True, timeout=60)  # fmt: skip
        return cert, key
    import datetime
    import ipaddress

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    made = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(made.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key


def test_https_with_a_certificate_and_its_key(tmp_path):
    folder = tmp_path / "talks"
    folder.mkdir()
    shutil.copy(NOTES, folder)
    cert, key = self_signed(tmp_path)
    server = start(folder, "--cert", str(cert), "--key", str(key), cafile=cert)
    try:
        # verified against the certificate: the hostname 127.0.0.1 and the chain both checked
        status, page = server.get("/")
        assert status == 200 and b"Kilka zda" in page
        assert [t["talk"] for t in server.json("/api/talks")["talks"]] == [TALK]
        # a POST from the HTTPS page's own origin passes the Origin check
        status, answer = server.post("/api/notes", {}, {"notes": ("talk.md", NOTES.read_bytes())})
        assert status == 201, answer
        with pytest.raises(OSError):  # plain HTTP is not answered
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/api/talks", timeout=10)
    finally:
        server.process.terminate()
        out, _ = server.process.communicate(timeout=30)
    assert f"https://127.0.0.1:{server.port}/" in out.decode()


def test_a_certificate_without_its_key_or_that_does_not_load_is_one_line(tmp_path):
    cert, key = self_signed(tmp_path)
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    other = tmp_path / "other"
    other.mkdir()
    _, other_key = self_signed(other)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "rehearse", "serve", "--dir", str(tmp_path),
                               "--port", str(free_port()), *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)  # fmt: skip

    for args, said in (
        (("--cert", str(cert)), "--cert needs --key"),
        (("--key", str(key)), "--key needs --cert"),
        (("--cert", str(tmp_path / "none.pem"), "--key", str(key)), "no such file"),
        (("--cert", str(junk), "--key", str(key)), "not a certificate and its key"),
        (("--cert", str(cert), "--key", str(other_key)), "not a certificate and its key"),
    ):
        done = run(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("error: ") and said in done.stderr, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "reports").exists()  # nothing made before the checks


WRITTEN = (
    "# Opening\n1. Why this talk matters\n2. What you will take home\n# The work\n3. The results\n"
)


def test_notes_written_in_the_text_box_are_a_new_talk_under_a_name_of_the_servers(server):
    status, answer = server.post("/api/notes", {"title": "../../etc/passwd", "text": WRITTEN}, {})
    assert status == 201, answer
    assert answer == {"talk": "etc-passwd.md", "url": "/talks/etc-passwd.md"}
    saved = server.folder / "etc-passwd.md"
    assert WRITTEN in saved.read_text(encoding="utf-8")
    assert not (server.folder.parent / "etc").exists()
    listed = {t["talk"]: t for t in server.json("/api/talks")["talks"]}
    assert listed["etc-passwd.md"]["title"] == "../../etc/passwd"
    assert listed["etc-passwd.md"]["points"] == 3
    status, page = server.get("/talks/etc-passwd.md")
    assert status == 200 and b"The results" in page
    # the talk's points under their headings, in order, each heading once
    points = page.decode().split("<h2>Points</h2>")[1]
    slides = re.findall(r"<h3>(.*?)</h3>(.*?)</section>", points, re.S)
    assert [title for title, _ in slides] == ["Opening", "The work"]
    said = [re.findall(r'class="text">(.*?)</span>', under) for _, under in slides]
    assert said == [["Why this talk matters", "What you will take home"], ["The results"]]
    status, page = server.get("/record?talk=etc-passwd.md")  # the slides are the headings
    plans = json.loads(page.split(b'id="plans">')[1].split(b"</script>")[0])
    assert [p["section"] for p in plans["etc-passwd.md"]["points"]] == [
        "Opening",
        "Opening",
        "The work",
    ]
    assert b"../../etc/passwd" in server.get("/")[1]

    # a name that is taken is never written over: -2, -3
    before = saved.read_bytes()
    (server.folder / "etc-passwd-2.md").write_text("mine\n", encoding="utf-8")
    status, answer = server.post("/api/notes", {"title": "etc / passwd", "text": WRITTEN}, {})
    assert status == 201 and answer["talk"] == "etc-passwd-3.md", answer
    assert saved.read_bytes() == before
    assert (server.folder / "etc-passwd-2.md").read_text(encoding="utf-8") == "mine\n"

    # refused with one line, nothing written
    files = tree(server.folder)
    for fields, said in (
        ({"title": "Prose", "text": "Just some prose, no list."}, "no numbered talking points"),
        ({"title": "Prose", "text": "prose " * 50 + "\n\n1. One"}, "mostly not numbered points"),
        ({"title": "  ", "text": WRITTEN}, "title"),
    ):
        status, answer = server.post("/api/notes", fields, {})
        assert status == 400 and said in answer["error"], (fields, answer)
        assert "\n" not in answer["error"]
    fields = {"title": "Elsewhere", "text": WRITTEN}
    assert server.post("/api/notes", fields, {}, {"Origin": "https://evil.example"})[0] == 403
    assert server.post("/api/notes", fields, {}, {"X-CSRF-Token": "wrong"})[0] == 403
    assert tree(server.folder) == files


@pytest.mark.browser
@pytest.mark.skipif(
    not (chrome.AVAILABLE and shutil.which("ffmpeg")),
    reason="headless Chromium or ffmpeg not installed (Debian chromium, chromium-driver)",
)
def test_notes_are_written_on_the_talks_page(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url + "/")
    form = browser.find_element(By.ID, "written-form")
    form.find_element(By.NAME, "title").send_keys("Prose only")
    form.find_element(By.NAME, "text").send_keys("No list in here at all.")
    form.find_element(By.TAG_NAME, "button").click()
    status = browser.find_element(By.ID, "written-status")
    WebDriverWait(browser, 30).until(lambda _: "numbered" in status.text)
    assert "no numbered talking points" in status.text and "\n" not in status.text

    form.find_element(By.NAME, "title").clear()
    form.find_element(By.NAME, "title").send_keys("A talk <b>written</b> here")
    form.find_element(By.NAME, "text").clear()
    form.find_element(By.NAME, "text").send_keys(WRITTEN)
    form.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(browser, 30).until(lambda b: "/talks/" in b.current_url)
    assert browser.current_url.endswith("/talks/a-talk-b-written-b-here.md")
    assert "A talk <b>written</b> here" in browser.find_element(By.TAG_NAME, "h1").text
    browser.get(server.url + "/")
    assert "A talk <b>written</b> here" in browser.find_element(By.CLASS_NAME, "cards").text
    assert (server.folder / "a-talk-b-written-b-here.md").is_file()


@pytest.mark.slow
def test_a_done_job_says_what_changed_since_last_time(server, shared_rehearsals):
    from rehearse.history.trends import length_change, talk_time

    analysed(server, shared_rehearsals["pl-full"])  # the last time, in the terminal
    status, answer = server.post(
        "/api/rehearsals",
        {"talk": TALK, "target": "3m"},
        {"recording": ("take.mp3", shared_rehearsals["pl-skips"].read_bytes())},
    )
    assert status == 202, answer
    done = wait_for(server, answer["job"])
    assert done["state"] == "done", done

    with HistoryDB.open(server.folder / "reports" / "history.sqlite") as history:
        [(talk, _)] = history.talks()
        before, now = history.history(talk, None).rehearsals
    assert now.said == 11 and before.said > now.said  # pl-skips skips 3, 9 and 13
    line = (
        f"2nd rehearsal: 11/14 points, {now.said - before.said:+d} since last; "
        f"{length_change(talk_time(before), talk_time(now))}"
    )
    assert server.json(f"/api/jobs/{answer['job']}")["since"] == line
    status, page = server.get(f"/jobs/{answer['job']}")
    assert status == 200 and f"Since last time: {line}" in page.decode()
    assert f'href="{done["report"]}#since-last"' in page.decode()
    status, report = server.get(done["report"])  # the report's own section it links to
    assert status == 200 and b'id="since-last"' in report
