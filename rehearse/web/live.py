"""The record page's live panel: while the browser records, it posts the audio (16 kHz mono
float32, a second or two at a time) and the server follows the talk (``rehearse.live``).

Each take is a session of its own: a worker thread runs the transcription passes whenever a
pass is due, so a post returns at once with the latest view; posts are state-changing and get
the same Origin and CSRF checks as every other. The full analysis still runs after the stop,
on the recording the page uploads as before. A session not heard from for ``IDLE`` s (a page
closed mid-take) ends, and what it heard is kept as a WAV file in the folder's
``recordings/`` (the log says how to analyse it).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from rehearse.align.live import LiveView
from rehearse.audio import SAMPLE_RATE
from rehearse.errors import RehearseError
from rehearse.live import LiveRehearsal
from rehearse.models import Notes
from rehearse.notes.text import check_target, parse_duration

log = logging.getLogger(__name__)

IDLE = 600.0  # s without a post after which a take ends (a paused take keeps it that long)
MAX_SESSIONS = 2  # at once (each costs a core while the speaker talks)
MAX_CHUNK = 10.0  # s of audio one post may carry
SAMPLE_BYTES = 4  # float32


@dataclass
class _Session:
    live: LiveRehearsal
    seen: float = field(default_factory=time.monotonic)
    stopped: bool = False
    wake: threading.Event = field(default_factory=threading.Event)
    inbox: list = field(default_factory=list)  # samples posted, not yet taken by the worker
    lock: threading.Lock = field(default_factory=threading.Lock)  # guards ``inbox`` only
    error: str | None = None


class LiveSessions:
    """The live sessions of the app, by id; the live model is loaded once, on first use.
    ``recordings``: where a take ended by a closed page is kept."""

    def __init__(self, recordings: Path) -> None:
        self.recordings = recordings
        self._sessions: dict[str, _Session] = {}
        self._model = None
        self._lock = threading.Lock()

    def model(self):
        from rehearse.transcribe.stream import live_model

        with self._lock:
            if self._model is None:
                self._model = live_model()
            return self._model

    def start(self, notes: Notes, target: float | None) -> str:
        self._drop_idle()
        if len(self._sessions) >= MAX_SESSIONS:
            raise HTTPException(429, "too many live takes at once; stop one first")
        language = notes.language or "en"
        live = LiveRehearsal(notes, self.model(), language, target)
        key = secrets.token_urlsafe(12)
        session = _Session(live)
        self._sessions[key] = session
        threading.Thread(target=self._work, args=(key, session), daemon=True, name="live").start()
        return key

    def get(self, key: str) -> _Session:
        session = self._sessions.get(key)
        if session is None:
            raise HTTPException(404, "no such live take (stopped, or idle too long)")
        session.seen = time.monotonic()
        return session

    def add(self, key: str, body: bytes) -> _Session:
        session = self.get(key)
        if len(body) % SAMPLE_BYTES or len(body) > MAX_CHUNK * SAMPLE_RATE * SAMPLE_BYTES:
            raise HTTPException(400, "send 16 kHz mono float32 samples, at most 10 s at a time")
        samples = np.frombuffer(body, dtype="<f4")
        if not np.isfinite(samples).all():
            raise HTTPException(400, "the samples are not finite numbers")
        with session.lock:
            session.inbox.append(np.clip(samples, -1.0, 1.0))
        session.wake.set()
        return session

    def stop(self, key: str) -> None:
        session = self._sessions.pop(key, None)
        if session is not None:
            session.stopped = True
            session.wake.set()

    def close(self) -> None:
        for key in list(self._sessions):
            self.stop(key)

    def _drop_idle(self) -> None:
        now = time.monotonic()
        for key, session in list(self._sessions.items()):
            if now - session.seen > IDLE:
                self.stop(key)

    def _work(self, key: str, session: _Session) -> None:
        """Run a pass whenever one is due, until the session stops (or idles: kept)."""
        while not session.stopped:
            session.wake.wait(timeout=1.0)
            session.wake.clear()
            if time.monotonic() - session.seen > IDLE:
                self.stop(key)
                self._keep(key, session)
                return
            try:
                while not session.stopped:
                    with session.lock:  # only this thread touches the live rehearsal
                        posted, session.inbox = session.inbox, []
                    for samples in posted:
                        session.live.add(samples)
                    if not session.live.ready():
                        break
                    session.live.step()
            except Exception as exc:  # a failed pass ends the live view, not the recording
                log.exception("live pass failed")
                session.error = str(exc)
                return

    def _keep(self, key: str, session: _Session) -> None:
        """Write what ``session`` heard as recordings/live-KEY.wav (16 kHz mono)."""
        with session.lock:
            posted, session.inbox = session.inbox, []
        for part in posted:
            session.live.add(part)
        samples = session.live.samples()
        if not len(samples):
            return
        self.recordings.mkdir(parents=True, exist_ok=True)
        path = self.recordings / f"live-{key}.wav"
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)
            out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
        log.warning(
            "a live take ended without its page (closed mid-take?): %.0f s kept in %s; "
            "analyse it with: rehearse analyze %s --notes %s",
            len(samples) / SAMPLE_RATE, path, path, session.live.notes.path,
        )  # fmt: skip


def view_json(session: _Session) -> dict:
    """The live panel's content: the current point (None before the first, or unclear),
    its time and budget, the drift, the points not said yet and the next point's cue."""
    live = session.live
    view: LiveView = live.view
    points = live.notes.points

    def point(index: int | None) -> dict | None:
        if index is None:
            return None
        return {"number": points[index].number, "text": points[index].text}

    return {
        "heard": round(live.heard, 1),
        "behind": round(max(0.0, live.heard - view.at), 1),
        "current": point(view.current),
        "clear": view.clear,
        "on_point": round(view.on_point, 1),
        "budget": view.budget,
        "drift": view.drift,
        "not_said": [points[i].number for i in view.not_said],
        "next": point(view.next),
        "error": session.error,
    }


def routes(sessions: LiveSessions, talk: Callable, check: Callable) -> list[Route]:
    """The live API: POST /api/live (talk, target) starts a take, POST /api/live/{id}/audio
    adds samples and answers the view, GET /api/live/{id} the view, POST
    /api/live/{id}/stop ends it. ``talk``: a talk by key (404 if none); ``check``: the
    app's check of a state-changing request."""

    async def start(request: Request) -> Response:
        check(request)
        form = await request.form()
        notes = talk(str(form.get("talk", ""))).notes
        target = None
        if form.get("target"):
            try:
                target = check_target(parse_duration(str(form.get("target"))))
            except RehearseError as exc:
                raise HTTPException(400, str(exc)) from None
        key = await run_in_threadpool(sessions.start, notes, target)
        return JSONResponse({"id": key})

    async def audio(request: Request) -> Response:
        check(request)
        body = await request.body()
        session = sessions.add(request.path_params["id"], body)
        return JSONResponse(view_json(session))

    async def view(request: Request) -> Response:
        return JSONResponse(view_json(sessions.get(request.path_params["id"])))

    async def stop(request: Request) -> Response:
        check(request)
        sessions.stop(request.path_params["id"])
        return JSONResponse({"stopped": True})

    return [
        Route("/api/live", start, methods=["POST"]),
        Route("/api/live/{id}", view),
        Route("/api/live/{id}/audio", audio, methods=["POST"]),
        Route("/api/live/{id}/stop", stop, methods=["POST"]),
    ]
