"""Headless Chromium for the browser tests: where it is and how it is started."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
AVAILABLE = Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def options(webdriver, profile: Path, size: str, *flags: str):
    """Chrome options: our flags and ``flags``, a fresh profile, the window ``size``
    ("W,H") and the browser console kept for the test to read."""
    chosen = webdriver.ChromeOptions()
    chosen.binary_location = CHROMIUM
    for flag in (*FLAGS, *flags):
        chosen.add_argument(flag)
    chosen.add_argument(f"--user-data-dir={profile}")
    chosen.add_argument(f"--window-size={size}")
    chosen.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return chosen


def with_microphone(webdriver, folder: Path, recording: Path, size: str, phone: dict | None = None):
    """A Chrome whose fake microphone plays ``recording`` once (converted to 48 kHz mono in
    ``folder``), the page allowed to use it; ``phone``: mobile emulation's device metrics."""
    from selenium.webdriver.chrome.service import Service

    microphone = folder / "rehearsal.wav"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(recording), "-ar", "48000",
                    "-ac", "1", str(microphone)], check=True)  # fmt: skip
    chosen = options(
        webdriver, folder / "profile", size, "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required",
        f"--use-file-for-fake-audio-capture={microphone}%noloop",
    )  # fmt: skip
    if phone:
        chosen.add_experimental_option("mobileEmulation", {"deviceMetrics": phone})
    return webdriver.Chrome(options=chosen, service=Service(CHROMEDRIVER))
