"""Headless Chromium for the browser tests: where it is and how it is started."""

from __future__ import annotations

import shutil
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
