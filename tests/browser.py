"""Which Chromium the HTML report test drives: Debian's package, or the one Playwright installed.

`scripts/test` runs this file after setting up the venv; it prints the browser's path, or the
one line the HTML test fails with, so the two can never say different things.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

MISSING = (
    "no Chromium for the HTML report test: install Debian's package "
    "(sudo apt-get install chromium) or Playwright's (python -m playwright install chromium)"
)


def find() -> str | None:
    """The system's chromium, else Playwright's own download, else None."""
    system = shutil.which("chromium") or shutil.which("chromium-browser")
    if system:
        return system
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as playwright:
        downloaded = Path(playwright.chromium.executable_path)
    return str(downloaded) if downloaded.is_file() else None


if __name__ == "__main__":
    path = find()
    print(path or MISSING)
    sys.exit(0 if path else 1)
