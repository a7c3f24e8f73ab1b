"""Without a browser, `scripts/test` and the HTML test say the same one line, naming what to
install; with one, it is found."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests import browser


def no_browser_env(tmp_path: Path) -> dict[str, str]:
    """PATH with only this interpreter's directory, and an empty Playwright browser cache."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent)
    env["PLAYWRIGHT_BROWSERS_PATH"] = str(tmp_path / "no-browsers")
    return env


def test_without_a_browser_the_check_prints_the_line_the_html_test_fails_with(tmp_path):
    done = subprocess.run(
        [sys.executable, "tests/browser.py"],
        env=no_browser_env(tmp_path),
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 1
    assert done.stdout.splitlines() == [browser.MISSING]
    assert "apt-get install chromium" in browser.MISSING
    assert "playwright install chromium" in browser.MISSING


def test_a_chromium_on_the_path_is_the_one_found(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "chromium"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    assert browser.find() == str(fake)
