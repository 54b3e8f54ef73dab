(() => {
  "use strict";
  // Each <audio data-player>; a link's data-player names the one it plays (default: the
  // first), the keys act on the one played last.
  const players = Array.from(document.querySelectorAll("audio[data-player]"));
  if (!players.length) return;
  let audio = players[0];
  const STEP = 5;
  const now = document.getElementById("now");
  const words = Array.from(document.querySelectorAll("[data-w]"));
  const starts = words.map((w) => parseFloat(w.dataset.w));
  let word = null;
  let passage = null;

  function use(player) {
    if (player === audio) return;
    audio.pause();
    audio = player;
  }

  function play(t) {
    audio.currentTime = Math.max(0, t);
    const started = audio.play();
    if (started && started.catch) started.catch(() => {});
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-t]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    const chosen = link.dataset.player && document.getElementById(link.dataset.player);
    if (chosen) use(chosen);
    play(parseFloat(link.dataset.t));
  });

  function inControl(target) {
    return target.closest("input, textarea, select, button, summary, audio, [contenteditable]");
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || inControl(event.target)) return;
    if (event.key === " " || event.key === "Spacebar") {
      event.preventDefault();
      if (audio.paused) play(audio.currentTime);
      else audio.pause();
    } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      const step = event.key === "ArrowLeft" ? -STEP : STEP;
      const end = isFinite(audio.duration) ? audio.duration : Infinity;
      audio.currentTime = Math.min(end, Math.max(0, audio.currentTime + step));
    }
  });

  function last(t) {
    let low = 0;
    let high = starts.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (starts[mid] <= t) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  }

  function mark(t) {
    const index = last(t);
    const at = index >= 0 ? words[index] : null;
    if (at !== word) {
      if (word) word.classList.remove("here");
      if (at) at.classList.add("here");
      word = at;
    }
    // the passage of the word last begun, so the point named and the word marked agree
    const inside = (at && at.closest(".passage")) || null;
    if (inside === passage) return;
    document.querySelectorAll(".playing").forEach((e) => e.classList.remove("playing"));
    passage = inside;
    if (!inside) {
      if (now) now.textContent = "";
      return;
    }
    inside.classList.add("playing");
    if (now) now.textContent = "Now: " + inside.dataset.label;
    const number = inside.dataset.point;
    if (number) {
      document.querySelectorAll('tr[data-point="' + number + '"]').forEach((row) => {
        row.classList.add("playing");
      });
    }
  }

  function follow() {
    mark(audio.currentTime);
    if (!audio.paused) requestAnimationFrame(follow);
  }

  players.forEach((player) => {
    player.addEventListener("play", () => {
      use(player);
      follow();
    });
    player.addEventListener("seeked", () => player === audio && mark(audio.currentTime));
    player.addEventListener("timeupdate", () => player === audio && mark(audio.currentTime));
  });
})();
