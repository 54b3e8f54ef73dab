"""``rehearse serve``: rehearse as a local web app over a folder of notes, its reports folder
and history (the same ones the CLI uses). Starlette routes, uvicorn serves, jinja2 renders the
pages; analyses run in worker processes (``web.jobs``), uploads are checked in ``web.uploads``.

Every request path that names a file is looked up, never joined: a talk is a key of the
folder's notes found by ``web.talks``, a report file must resolve inside the reports folder.

Over 500 lines because the pages and the API are thin handlers over one ``_State`` and its
checks (``_check_post``, ``_Guard``); the parts with logic of their own (jobs, uploads, talks,
compare, since, written) have their own modules.
"""

from __future__ import annotations

import errno
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import ssl
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from rehearse.analysis import AnalyzeOptions
from rehearse.clock import clock
from rehearse.errors import InputError, OutputError, RehearseError, first_line
from rehearse.history import HistoryError, check_db, default_db
from rehearse.measure.pacing import PacingOptions
from rehearse.notes.text import check_target, parse_duration
from rehearse.report import check_output
from rehearse.web.compare import COMPARE_URL, compare_html
from rehearse.web.jobs import JOBS_FILE, Jobs, JobState, Work, new_id
from rehearse.web.live import LiveSessions
from rehearse.web.live import routes as live_routes
from rehearse.web.since import since_last
from rehearse.web.talks import Talk, find_talks, history_of, rehearsals, skipped, summary
from rehearse.web.uploads import MAX_UPLOAD_MB, SNIFF_BYTES, TooLarge, audio_kind
from rehearse.web.uploads import save_notes as store_notes
from rehearse.web.uploads import save_recording as store_recording
from rehearse.web.written import save_written

log = logging.getLogger(__name__)

DEFAULT_PORT = 8765
LOOPBACK = "127.0.0.1"
TOKEN_BYTES = 16  # of a token made for a host beyond loopback given none: 22 URL characters
# Form fields besides the files (talk, target, notes' name) are small: this much on top of the
# upload limit is allowed for them and the multipart framing.
FORM_OVERHEAD = 1 << 20
STATIC = Path(__file__).parent / "static"
# The pages' policy: scripts and styles from the app only, requests to the app only.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; media-src 'self' blob:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
# A report's own policy is in its <meta> (as analyze wrote it; issue 22's player adds its
# script's hash and media-src there), and a browser enforces every policy it is given: the
# header sent with a report file only forbids framing, which a <meta> cannot say.
REPORT_CSP = "frame-ancestors 'none'"
REPORT_FILES = frozenset(
    [
        ".html",
        ".md",
        ".png",
        ".json",
        ".srt",
        ".vtt",
        ".txt",
        ".webm",
        ".ogg",
        ".mp3",
        ".m4a",
        ".wav",
        ".flac",
        ".opus",
    ]
)


@dataclass(frozen=True)
class ServeOptions:
    """How to serve: the ``folder`` of notes (uploads go in it too); the reports folder
    ``out`` and the history ``db`` (None: history.sqlite in ``out``), as ``analyze --out
    --db`` take them; where to listen; the ``token`` asked of every request (needed beyond
    loopback); the upload limit in bytes; worker processes (0: one per core)."""

    folder: Path = Path(".")
    out: Path = Path("reports")
    db: Path | None = None
    host: str = LOOPBACK
    port: int = DEFAULT_PORT
    token: str | None = None
    max_upload: int = MAX_UPLOAD_MB << 20
    workers: int = 0
    cert: Path | None = None
    key: Path | None = None

    @property
    def https(self) -> bool:
        return self.cert is not None

    @property
    def reports(self) -> Path:
        return self.out.resolve()

    @property
    def history(self) -> Path:
        return default_db(self.reports, self.db).resolve()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = f"/?token={self.token}" if self.token else "/"
        scheme = "https" if self.https else "http"
        return f"{scheme}://{host}:{self.port}{query}"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_options(options: ServeOptions) -> ServeOptions:
    """``options`` with the folder resolved and, for a host beyond loopback given no token,
    a token made (``url`` carries it); or InputError/OutputError for what cannot be served:
    a folder that is none, a bad limit, a reports folder or history that cannot be used."""
    folder = options.folder
    if not folder.is_dir():
        raise InputError(f"--dir {folder}: no such folder")
    if options.max_upload <= 0:
        raise InputError("--max-upload must be at least 1 MB")
    token = options.token
    if not is_loopback(options.host) and not token:
        token = secrets.token_urlsafe(TOKEN_BYTES)
    cert, key = check_tls(options.cert, options.key)
    resolved = ServeOptions(
        **{**options.__dict__, "folder": folder.resolve(), "token": token, "cert": cert, "key": key}
    )
    check_output(resolved.reports)
    check_db(resolved.history)
    return resolved


def check_tls(cert: Path | None, key: Path | None) -> tuple[Path | None, Path | None]:
    """The certificate and key files for HTTPS, resolved, once they load as a pair; both None
    for plain HTTP; InputError for one without the other, a missing file or a pair that does
    not load (a wrong password-protected key, a key of another certificate, not PEM)."""
    if cert is None and key is None:
        return None, None
    if cert is None or key is None:
        given, missing = ("--cert", "--key") if key is None else ("--key", "--cert")
        raise InputError(f"{given} needs {missing} too: HTTPS takes a certificate and its key")
    for option, path in (("--cert", cert), ("--key", key)):
        if not path.is_file():
            raise InputError(f"{option} {path}: no such file")
    try:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key, password=_no_password)
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise InputError(
            f"--cert {cert} --key {key}: not a certificate and its key ({first_line(exc)})"
        ) from None
    return cert.resolve(), key.resolve()


def _no_password() -> str:
    """A key that asks a password does not load: the server cannot ask one when it starts."""
    raise ValueError("the key is protected by a password; give it without one")


def listen(options: ServeOptions) -> socket.socket:
    """The listening socket, or InputError naming the port when it is taken."""
    family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # A restart may bind while the last run's connections linger in TIME_WAIT; a port
    # another server listens on is still refused.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((options.host, options.port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(
                f"port {options.port} on {options.host} is in use; give another with --port"
            ) from None
        raise InputError(
            f"cannot listen on {options.host}:{options.port}: {exc.strerror}"
        ) from None
    sock.listen(128)
    return sock


def serve(options: ServeOptions, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve the app until interrupted (checks first; see ``check_options`` and ``listen``)."""
    import uvicorn

    options = check_options(options)
    sock = listen(options)
    tls = {}
    if options.https:
        tls = {"ssl_certfile": str(options.cert), "ssl_keyfile": str(options.key)}
    config = uvicorn.Config(make_app(options), log_level="warning", lifespan="on", **tls)
    if on_ready is not None:
        on_ready(options.url)
    uvicorn.Server(config).run(sockets=[sock])


# --- the app ---------------------------------------------------------------------------------


class _State:
    """What the app holds while it runs: options, the CSRF token, the templates, the jobs."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.csrf = secrets.token_urlsafe(32)
        self.templates = jinja2.Environment(
            loader=jinja2.PackageLoader("rehearse.web", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.templates.filters["clock"] = clock
        self.jobs: Jobs | None = None

    def talks(self) -> dict[str, Talk]:
        return find_talks(self.options.folder, skip=self.options.reports)

    def talk(self, key: str) -> Talk:
        found = self.talks().get(key)
        if found is None:
            raise HTTPException(404, f"no talk {key!r} in the folder")
        return found

    def report_url(self, folder: str | None) -> str | None:
        """The URL of a report folder's report.html, when it is in the reports folder."""
        if not folder:
            return None
        try:
            relative = Path(folder).resolve().relative_to(self.options.reports)
        except ValueError:
            return None
        return f"/reports/{relative.as_posix()}/report.html"

    def page(self, name: str, request: Request, **values) -> HTMLResponse:
        html = self.templates.get_template(name).render(
            csrf=self.csrf, path=request.url.path, **values
        )
        return HTMLResponse(html)


def make_app(options: ServeOptions) -> Starlette:
    """The app over ``options`` (already checked); its jobs start and stop with it."""
    state = _State(options)
    pages, api = _Pages(state), _Api(state)
    live = LiveSessions(options.folder / "recordings")  # the record page's live panel
    routes = [
        Route("/", pages.talks),
        Route("/talks/{key:path}", pages.talk),
        Route("/record", pages.record),
        Route("/jobs/{id}", pages.job),
        Route(COMPARE_URL, pages.compare),  # before the reports' files: no file is named so
        Route("/reports/{path:path}", pages.report_file),
        Route("/static/{name}", pages.static_file),
        Route("/api/talks", api.talks),
        Route("/api/session", api.session),
        Route("/api/jobs", api.jobs),
        Route("/api/jobs/{id}", api.job),
        Route("/api/rehearsals", api.rehearsals, methods=["POST"]),
        Route("/api/notes", api.notes, methods=["POST"]),
        Route("/api/jobs/{id}/again", api.again, methods=["POST"]),
        Route("/api/jobs/{id}/cancel", api.cancel, methods=["POST"]),
        *live_routes(live, state.talk, lambda request: _check_post(request, state)),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lambda app: _running_jobs(state),
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=_hosts(options.host))],
        exception_handlers={RehearseError: _error, HTTPException: _http_error},
    )
    return _Guard(app, options)


@asynccontextmanager
async def _running_jobs(state: _State):
    """The app's lifespan: its jobs' workers, from start to stop."""
    state.jobs = Jobs(state.options.workers, state.options.reports / JOBS_FILE)
    try:
        yield
    finally:
        state.jobs.close()


def _hosts(host: str) -> list[str]:
    """The Host headers the app answers: its own names on loopback, any beyond it."""
    if not is_loopback(host):  # other devices name this one as they know it; the
        return ["*"]  # token, asked of every request, keeps out whoever does not have it
    return [host, "localhost", "127.0.0.1", "[::1]", "::1"]


def _job_json(job: JobState) -> dict:
    url = f"/reports/{job.report}/report.html" if job.report else None
    return {"job": job.id, "talk": job.talk, "state": job.state, "share": job.share,
            "stage": job.stage, "report": url, "error": job.error,
            "seconds_left": job.seconds_left()}  # fmt: skip


class _Pages:
    """The pages' handlers: the talks, a talk, the record page, a job, two rehearsals
    compared, and the files of the reports folder and of the app."""

    def __init__(self, state: _State) -> None:
        self.state = state

    async def talks(self, request: Request) -> Response:
        listed = await run_in_threadpool(_talk_summaries, self.state)
        return self.state.page("talks.html.j2", request, talks=listed, jobs=_jobs(self.state))

    async def talk(self, request: Request) -> Response:
        state = self.state
        talk = state.talk(request.path_params["key"])
        past = await run_in_threadpool(rehearsals, state.options.history, talk)
        rows = [
            {"r": r, "skipped": skipped(r), "url": state.report_url(r.report), "date": _date(r)}
            for r in past
        ]
        progress = None  # the last report's chart of the talk's rehearsals, when it has one
        if rows and rows[-1]["url"] and (Path(past[-1].report) / "progress.png").is_file():
            progress = rows[-1]["url"].removesuffix("report.html") + "progress.png"
        return state.page("talk.html.j2", request, talk=talk, sections=talk.sections, rows=rows,
                          progress=progress, compare=COMPARE_URL)  # fmt: skip

    async def record(self, request: Request) -> Response:
        talks = await run_in_threadpool(self.state.talks)
        chosen = talks.get(request.query_params.get("talk", ""))
        chosen = chosen or (next(iter(talks.values())) if talks else None)
        plans = {
            key: {
                "title": t.notes.title,
                "target": t.notes.target,
                "points": [p.__dict__ for p in t.plan],
            }
            for key, t in talks.items()
        }
        return self.state.page("record.html.j2", request, talks=talks, chosen=chosen,
                               plans=plans)  # fmt: skip

    async def job(self, request: Request) -> Response:
        state = self.state
        job = state.jobs.get(request.path_params["id"]) if state.jobs else None
        if job is None:
            raise HTTPException(404, "no such job (jobs last as long as the server)")
        talk = (await run_in_threadpool(state.talks)).get(job.talk)
        title = talk.notes.title if talk else job.talk
        since = await run_in_threadpool(_since, state, job)
        return state.page("job.html.j2", request, job=_job_json(job), title=title, since=since)

    async def compare(self, request: Request) -> Response:
        state = self.state
        talk = state.talk(request.query_params.get("talk", ""))
        past = await run_in_threadpool(rehearsals, state.options.history, talk)
        query = request.query_params
        try:
            html = await run_in_threadpool(compare_html, past, state.options.reports,
                                           query.get("a"), query.get("b"))  # fmt: skip
        except InputError as exc:
            raise HTTPException(400, first_line(exc)) from None
        return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})

    async def report_file(self, request: Request) -> Response:
        target = _report_path(self.state.options.reports, request.path_params["path"])
        return FileResponse(target, headers={"Content-Security-Policy": REPORT_CSP})

    async def static_file(self, request: Request) -> Response:
        name = request.path_params["name"]
        files = {p.name: p for p in STATIC.iterdir()}
        if name not in files:
            raise HTTPException(404, "no such file")
        return FileResponse(files[name])


class _Api:
    """The JSON API's handlers: talks, the session's CSRF token, jobs; and the POSTs that
    start, run again or cancel a rehearsal's analysis and add a talk's notes."""

    def __init__(self, state: _State) -> None:
        self.state = state

    async def talks(self, request: Request) -> Response:
        return JSONResponse({"talks": await run_in_threadpool(_talk_summaries, self.state)})

    async def session(self, request: Request) -> Response:
        return JSONResponse({"csrf": self.state.csrf})

    async def jobs(self, request: Request) -> Response:
        return JSONResponse({"jobs": _jobs(self.state)})

    async def job(self, request: Request) -> Response:
        state = self.state
        job = state.jobs.get(request.path_params["id"]) if state.jobs else None
        if job is None:
            return _no_job("no such job")
        since = await run_in_threadpool(_since, state, job)
        return JSONResponse(_job_json(job) | {"since": since})

    async def rehearsals(self, request: Request) -> Response:
        state = self.state
        _check_post(request, state)
        form = await request.form(max_files=2, max_fields=10)
        try:
            work, talk_key = await run_in_threadpool(_new_work, state, form)
        finally:
            await form.close()
        return _queued(state.jobs.submit(work, talk_key))

    async def again(self, request: Request) -> Response:
        job = self._on_job(request, Jobs.again)
        if job is None:
            return _no_job("no failed, cancelled or interrupted job of that id")
        return _queued(job)

    async def cancel(self, request: Request) -> Response:
        job = self._on_job(request, Jobs.cancel)
        if job is None:
            return _no_job("no queued or running job of that id")
        return JSONResponse(_job_json(job), 202)

    def _on_job(
        self, request: Request, act: Callable[[Jobs, str], JobState | None]
    ) -> JobState | None:
        """``act`` (again, cancel) done to the job a POST names: the job, or None where there
        is none it applies to."""
        state = self.state
        _check_post(request, state)
        return act(state.jobs, request.path_params["id"]) if state.jobs else None

    async def notes(self, request: Request) -> Response:
        _check_post(request, self.state)
        form = await request.form(max_files=1, max_fields=5)
        try:
            key = await run_in_threadpool(_new_notes, self.state, form)
        finally:
            await form.close()
        return JSONResponse({"talk": key, "url": f"/talks/{key}"}, 201)


def _queued(job: JobState) -> Response:
    return JSONResponse({"job": job.id, "url": f"/jobs/{job.id}"}, 202)


def _no_job(error: str) -> Response:
    return JSONResponse({"error": error}, 404)


def _talk_summaries(state: _State) -> list[dict]:
    out = []
    for talk in state.talks().values():
        listed = summary(talk, history_of(state.options.history, talk))
        if listed["last"] is not None:
            listed["last"]["report"] = state.report_url(listed["last"]["report"])
        out.append(listed)
    return out


def _since(state: _State, job: JobState) -> str | None:
    """'2nd rehearsal: 12/14 points, +1 since last; 0:05 shorter' for a done job of a talk
    rehearsed before; else None."""
    talk = state.talks().get(job.talk) if job.report else None
    if talk is None:
        return None
    return since_last(state.options.history, talk, state.options.reports / job.report)


def _date(rehearsal) -> str:
    """'7 Dec 14:29', as ``history`` shows a rehearsal's date."""
    try:
        return datetime.fromisoformat(rehearsal.created).strftime("%-d %b %H:%M")
    except ValueError:
        return rehearsal.created[:16]


def _jobs(state: _State) -> list[dict]:
    return [_job_json(j) for j in state.jobs.all()] if state.jobs else []


def _check_post(request: Request, state: _State) -> None:
    """A state-changing request comes from the app's own pages: its Origin (when the browser
    sends one) is the app's, and it carries the CSRF token the pages hold."""
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    if origin is not None and origin != own:
        raise HTTPException(403, f"cross-origin request from {origin} refused")
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise HTTPException(403, "cross-site request refused")
    sent = request.headers.get("x-csrf-token", "")
    if not hmac.compare_digest(sent.encode(), state.csrf.encode()):
        raise HTTPException(403, "missing or wrong CSRF token (X-CSRF-Token; GET /api/session)")


def _new_work(state: _State, form) -> tuple[Work, str]:
    """The job of a POST /api/rehearsals form: the talk checked, then the recording sniffed,
    then (only then) files written under server-made names."""
    options = state.options
    recording = form.get("recording")
    if not isinstance(recording, UploadFile):
        raise InputError("no recording: send it as the multipart field 'recording'")
    talk_key, notes_file = form.get("talk"), form.get("notes")
    if isinstance(notes_file, UploadFile) == bool(talk_key):
        raise InputError("name a talk ('talk') or send notes ('notes'), one of the two")
    talks = state.talks()
    if talk_key and talk_key not in talks:
        raise InputError(
            f"no talk {str(talk_key)[:200]!r} in the folder; GET /api/talks lists them"
        )
    target = None
    if form.get("target"):
        target = check_target(parse_duration(str(form.get("target"))))
    head = recording.file.read(SNIFF_BYTES)
    recording.file.seek(0)
    if audio_kind(head) is None:
        raise InputError(
            "the upload is not a recording (wav, mp3, m4a, ogg, opus, flac, webm, mp4...)"
        )
    check_output(options.reports)
    check_db(options.history)
    if isinstance(notes_file, UploadFile):
        stored = store_notes(notes_file.file, notes_file.filename or "", options.folder,
                             options.max_upload)  # fmt: skip
        talk_key = stored.relative_to(options.folder).as_posix()
        notes = stored
    else:
        notes = talks[talk_key].path
    saved = store_recording(recording.file, options.folder / "recordings", options.max_upload)
    base = AnalyzeOptions()
    if target is not None:
        base = AnalyzeOptions(pacing=PacingOptions(target=target))
    return Work(new_id(), saved, notes, options.reports, options.history, base), talk_key


def _new_notes(state: _State, form) -> str:
    """The talk a POST /api/notes adds: an uploaded notes file ('notes'), or notes written in
    the text box ('title' and 'text'); its key."""
    notes, text = form.get("notes"), form.get("text")
    options = state.options
    if isinstance(text, str) and not isinstance(notes, UploadFile):
        stored = save_written(str(form.get("title") or ""), text, options.folder)
        return stored.relative_to(options.folder).as_posix()
    if not isinstance(notes, UploadFile):
        raise InputError(
            "no notes: send a file as the multipart field 'notes', or 'title' and 'text'"
        )
    stored = store_notes(notes.file, notes.filename or "", options.folder,
                         options.max_upload)  # fmt: skip
    return stored.relative_to(options.folder).as_posix()


def _report_path(reports: Path, requested: str) -> Path:
    """The file of the reports folder a request names, if it may be served (a report's own
    files, inside the folder, not hidden, not the history); else 404."""
    parts = Path(requested).parts
    if not parts or any(p.startswith(".") or p in ("..", "/") for p in parts):
        raise HTTPException(404, "no such report file")
    target = (reports / requested).resolve()
    if (
        not target.is_relative_to(reports)
        or target.suffix.lower() not in REPORT_FILES
        or not target.is_file()
    ):
        raise HTTPException(404, "no such report file")
    return target


async def _error(request: Request, exc: Exception) -> Response:
    status = 400  # InputError and the rest: the request was at fault
    if isinstance(exc, TooLarge):
        status = 413
    elif isinstance(exc, HistoryError):
        status = 404
    elif isinstance(exc, OutputError):
        status = 500
    return JSONResponse({"error": first_line(exc)}, status)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": exc.detail}, exc.status_code)
    return HTMLResponse(f"<!doctype html><title>{exc.status_code}</title>"
                        f"<p>{_escape(str(exc.detail))}</p><p><a href='/'>Talks</a>",
                        exc.status_code)  # fmt: skip


def _escape(text: str) -> str:
    return jinja2.utils.markupsafe.escape(text)


class _Guard:
    """ASGI wrapper around the app: the token (when set) asked of every request, the upload
    limit on every body, and the security headers on every answer."""

    def __init__(self, app, options: ServeOptions) -> None:
        self.app = app
        self.options = options
        self.limit = options.max_upload + FORM_OVERHEAD

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if self.options.token and not self._token_ok(scope, headers):
            return await _plain(send, 401, "a token is needed: open the URL rehearse serve printed")
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.limit:
            mb = self.options.max_upload >> 20
            return await _plain(send, 413, f"the upload is over the limit of {mb} MB", True)
        received = 0

        async def limited():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise TooLarge(
                        f"the upload is over the limit of {self.options.max_upload >> 20} MB"
                    )
            return message

        async def secured(message):
            if message["type"] == "http.response.start":
                given = [k.lower() for k, _ in message.get("headers", [])]
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"no-referrer")]  # fmt: skip
                if b"content-security-policy" not in given:
                    extra.append((b"content-security-policy", PAGE_CSP.encode()))
                if self.options.token and _query_token(scope):
                    cookie = (
                        f"rehearse_token={self.options.token}; HttpOnly; SameSite=Strict; Path=/"
                    )
                    extra.append((b"set-cookie", cookie.encode()))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, limited, secured)

    def _token_ok(self, scope, headers: dict[str, str]) -> bool:
        token = self.options.token.encode()
        given = [_query_token(scope), headers.get("authorization", "").removeprefix("Bearer ")]
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "rehearse_token":
                given.append(value)
        return any(g and hmac.compare_digest(g.encode(), token) for g in given)


def _query_token(scope) -> str:
    for part in scope.get("query_string", b"").decode("latin-1").split("&"):
        name, _, value = part.partition("=")
        if name == "token":
            return value
    return ""


async def _plain(send, status: int, text: str, close: bool = False) -> None:
    body = json.dumps({"error": text}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
