// rehearse serve: the pages' behaviour. No framework, no build step; served by the app.
"use strict";

const csrf = document.querySelector('meta[name="csrf"]').content;
const $ = (id) => document.getElementById(id);

function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

async function post(url, form) {
  const response = await fetch(url, {
    method: "POST", body: form, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin",
  });
  let answer = {};
  try { answer = await response.json(); } catch (e) { answer = {}; }
  if (!response.ok) throw new Error(answer.error || `the server answered ${response.status}`);
  return answer;
}

// --- Talks: add notes -------------------------------------------------------------------
function talksPage() {
  // Both forms post to /api/notes: a file ('notes'), or a title and the points written.
  for (const [formId, statusId] of [["notes-form", "notes-status"], ["written-form", "written-status"]]) {
    const form = $(formId);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      $(statusId).textContent = "Adding…";
      try {
        const answer = await post("/api/notes", new FormData(form));
        window.location.href = answer.url;
      } catch (error) {
        $(statusId).textContent = error.message;
      }
    });
  }
}

// --- Analysing: poll the job ----------------------------------------------------------------
function jobPage() {
  const id = $("job").dataset.job;
  $("job-again").addEventListener("click", async () => {
    try {
      const answer = await post(`/api/jobs/${encodeURIComponent(id)}/again`, new FormData());
      window.location.href = answer.url;
    } catch (error) {
      $("job-error").textContent = error.message;
    }
  });
  $("job-cancel").addEventListener("click", async () => {
    $("job-cancel").disabled = true;
    try {
      await post(`/api/jobs/${encodeURIComponent(id)}/cancel`, new FormData());
      $("job-stage").textContent = "Cancelling";
    } catch (error) {
      $("job-error").textContent = error.message;
      $("job-error").hidden = false;
    }
  });
  async function poll() {
    let job;
    try {
      job = await (await fetch(`/api/jobs/${encodeURIComponent(id)}`)).json();
    } catch (e) {
      setTimeout(poll, 2000);
      return;
    }
    $("job-bar").value = job.share;
    $("job-share").textContent = `${Math.round(job.share * 100)} %`;
    $("job-stage").textContent = job.stage;
    // the server's guess from the time so far and the share done (null until it can tell)
    const left = job.seconds_left;
    $("job-left").hidden = left === null || left === undefined;
    if (!$("job-left").hidden) $("job-left").textContent = ` · about ${clock(left)} left`;
    $("job-cancel").hidden = !(job.state === "queued" || job.state === "running");
    if (job.state === "done") {
      $("job-report").href = job.report;
      $("job-report").hidden = false;
      window.location.href = job.report;
    } else if (["failed", "interrupted", "cancelled"].includes(job.state)) {
      $("job-error").textContent = job.error;
      $("job-error").hidden = false;
      $("job-again").hidden = false;
    } else {
      setTimeout(poll, 700);
    }
  }
  poll();
}

// --- Live following: the microphone at 16 kHz posted to /api/live, the view it answers ------
function follower(source, talk, slot) {
  const RATE = 16000, SEND_EVERY = 1.0;  // s of audio per post
  let id = null, context = null, pending = [], queued = 0, busy = false, stopped = false;

  function show(view) {
    $("live").hidden = false;
    const cur = view.current;
    $("live-now").textContent = !cur ? "Listening…" : view.clear ? `${cur.number}. ${cur.text}` : `… (${cur.number}?)`;
    $("live-time").textContent = cur ? (view.budget ? `${clock(view.on_point)} of ${clock(view.budget)}` : clock(view.on_point)) : "";
    $("live-drift").textContent = view.drift == null ? "" : view.drift > 0 ? `${clock(view.drift)} behind` : `${clock(-view.drift)} ahead`;
    $("live-drift").classList.toggle("over", view.drift > 0);
    $("live-missed").hidden = !view.not_said.length;
    $("live-missed").textContent = `Not said yet: ${view.not_said.join(", ")}`;
    $("live-next").textContent = view.next ? `${view.next.number}. ${view.next.text}` : "The end";
  }

  async function flush() {
    if (busy || !id || !queued) return;
    const body = new Float32Array(queued);
    let at = 0;
    for (const part of pending) { body.set(part, at); at += part.length; }
    pending = []; queued = 0; busy = true;
    try {
      const response = await fetch(`/api/live/${id}/audio`, {
        method: "POST", body, credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "Content-Type": "application/octet-stream" },
      });
      if (response.ok && !stopped) show(await response.json());
    } finally { busy = false; }
  }

  (async () => {
    const form = new FormData();
    form.append("talk", talk);
    if (slot) form.append("target", slot);
    try { id = (await post("/api/live", form)).id; } catch (error) { $("live-now").textContent = error.message; return; }
    if (stopped) return;
    context = new AudioContext({ sampleRate: RATE });
    const node = context.createScriptProcessor(4096, 1, 1);
    node.onaudioprocess = (event) => {
      if (stopped || context.state !== "running") return;
      pending.push(new Float32Array(event.inputBuffer.getChannelData(0)));
      queued += event.inputBuffer.length;
      if (queued >= SEND_EVERY * RATE) flush();
    };
    context.createMediaStreamSource(source).connect(node);
    node.connect(context.destination);
  })();

  return {
    pause() { if (context) context.suspend(); },
    resume() { if (context) context.resume(); },
    async stop() {
      stopped = true;
      if (context) context.close();
      if (id) { try { await post(`/api/live/${id}/stop`, new FormData()); } catch (e) { /* gone */ } }
    },
  };
}

// --- Record: MediaRecorder, level meter, presenter view, upload -------------------------------
function recordPage() {
  if (!$("plans")) return;
  const plans = JSON.parse($("plans").textContent);
  const status = $("status");
  let recorder = null, chunks = [], take = null, stream = null, audio = null;
  let started = 0, pausedFor = 0, pausedAt = 0, timer = null, file = null, live = null;

  function plan() { return plans[$("talk").value]; }

  function target() {
    const text = $("target").value.trim();
    const m = text.match(/^(?:(\d+):)?(\d+)(?::(\d+))?$/) || text.match(/^(\d+(?:\.\d+)?)\s*(m|min|s|h)?$/);
    if (!m) return null;
    if (text.includes(":")) {
      const parts = text.split(":").map(Number);
      return parts.reduce((a, b) => a * 60 + b, 0);
    }
    const n = Number(m[1]);
    return m[2] === "s" ? n : m[2] === "h" ? n * 3600 : n * 60;
  }

  // Where the budget plan says the speaker should be: the slot given (else the notes'
  // target) shared out over the points as `rehearse points` shares it, else the notes' own
  // budgets when every point has one.
  function schedule() {
    const points = plan().points;
    const slot = target() || plan().target;
    let budgets = null;
    if (slot) {
      const sum = points.reduce((a, p) => a + p.weight, 0) || 1;
      budgets = points.map((p) => (p.weight * slot) / sum);
    } else if (points.every((p) => p.budget)) {
      budgets = points.map((p) => p.budget);
    }
    if (!budgets) return null;
    let at = 0;
    return points.map((p, i) => { const s = at; at += budgets[i]; return { ...p, from: s, to: at }; });
  }

  function presenter() {
    const t = elapsed();
    $("elapsed").textContent = clock(t);
    const points = schedule();
    if (!points) {
      $("now").textContent = "No time plan: give the slot above (e.g. 10m) to follow one.";
      return;
    }
    const end = points[points.length - 1].to;
    const i = points.findIndex((p) => t < p.to);
    const left = end - t;
    $("left").textContent = left >= 0 ? `${clock(left)} left` : `${clock(-left)} over`;
    $("left").classList.toggle("over", left < 0);
    if (i < 0) {
      $("now").textContent = "Time is up: wrap up.";
      $("next").textContent = "–";
      return;
    }
    $("now").textContent = `${points[i].number}. ${points[i].text}`;
    $("next").textContent = points[i + 1] ? `${points[i + 1].number}. ${points[i + 1].text}` : "The end";
  }

  function elapsed() {
    if (!started) return 0;
    const now = pausedAt || performance.now();
    return (now - started - pausedFor) / 1000;
  }

  function buttons(state) {
    $("rec").disabled = state !== "idle";
    $("pause").disabled = state !== "recording" && state !== "paused";
    $("pause").textContent = state === "paused" ? "Resume" : "Pause";
    $("stop").disabled = state !== "recording" && state !== "paused";
    $("discard").disabled = state === "idle";
    $("rec").classList.toggle("live", state === "recording");
  }

  function meter(source) {
    audio = new AudioContext();
    const analyser = audio.createAnalyser();
    analyser.fftSize = 1024;
    audio.createMediaStreamSource(source).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    (function draw() {
      if (!audio) return;
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const db = 10 * Math.log10(sum / samples.length + 1e-10);
      $("level").value = Math.min(1, Math.max(0, (db + 60) / 60));
      requestAnimationFrame(draw);
    })();
  }

  function stopInputs() {
    if (live) live.stop();
    live = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    if (audio) audio.close();
    stream = null; audio = null;
    clearInterval(timer);
    $("level").value = 0;
  }

  $("rec").addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      status.textContent = `No microphone: ${error.message}. Upload a recording instead.`;
      return;
    }
    chunks = []; take = null;
    $("playback").hidden = true; $("send-take").hidden = true;
    recorder = new MediaRecorder(stream);
    recorder.ondataavailable = (event) => { if (event.data.size) chunks.push(event.data); };
    recorder.onstop = () => {
      if (!chunks.length) return;
      take = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
      $("playback").src = URL.createObjectURL(take);
      $("playback").hidden = false;
      $("send-take").hidden = false;
      status.textContent = `Recorded ${clock(elapsed())}. Listen back, or analyse it.`;
    };
    recorder.start(1000);
    meter(stream);
    live = follower(stream, $("talk").value, $("target").value.trim());
    started = performance.now(); pausedFor = 0; pausedAt = 0;
    timer = setInterval(presenter, 250);
    presenter();
    buttons("recording");
    status.textContent = "Recording…";
  });

  $("pause").addEventListener("click", () => {
    if (recorder.state === "recording") {
      recorder.pause(); pausedAt = performance.now(); buttons("paused");
      if (live) live.pause();
      status.textContent = "Paused.";
    } else if (recorder.state === "paused") {
      recorder.resume(); pausedFor += performance.now() - pausedAt; pausedAt = 0;
      if (live) live.resume();
      buttons("recording"); status.textContent = "Recording…";
    }
  });

  $("stop").addEventListener("click", () => {
    if (pausedAt) { pausedFor += performance.now() - pausedAt; }
    pausedAt = performance.now();
    recorder.stop();
    stopInputs();
    buttons("stopped");
  });

  $("discard").addEventListener("click", () => {
    if (recorder && recorder.state !== "inactive") { chunks = []; recorder.stop(); }
    stopInputs();
    chunks = []; take = null; started = 0;
    $("playback").hidden = true; $("send-take").hidden = true;
    $("elapsed").textContent = "0:00"; $("left").textContent = "";
    buttons("idle");
    status.textContent = "Discarded.";
  });

  async function send(blob, name) {
    const form = new FormData();
    form.append("talk", $("talk").value);
    if ($("target").value.trim()) form.append("target", $("target").value.trim());
    form.append("recording", blob, name);
    status.textContent = "Uploading…";
    try {
      const answer = await post("/api/rehearsals", form);
      window.location.href = answer.url;
    } catch (error) {
      status.textContent = error.message;
    }
  }

  $("send-take").addEventListener("click", () => send(take, "take.webm"));
  $("send-file").addEventListener("click", () => file && send(file, file.name));

  function choose(chosen) {
    file = chosen;
    $("drop-text").textContent = chosen ? `${chosen.name} (${(chosen.size / 1048576).toFixed(1)} MB)` : "";
    $("send-file").hidden = !chosen;
  }
  $("file").addEventListener("change", () => choose($("file").files[0]));
  const drop = $("drop");
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    if (event.dataTransfer.files.length) choose(event.dataTransfer.files[0]);
  });
  $("talk").addEventListener("change", () => {
    const t = plan().target;
    $("target").value = t ? clock(t) : "";
    presenter();
  });
  $("target").addEventListener("input", presenter);
  presenter();
  buttons("idle");
}

const pages = { talks: talksPage, job: jobPage, record: recordPage };
(pages[document.body.dataset.page] || (() => {}))();
