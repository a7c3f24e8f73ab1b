"""`--html PATH` opens in headless Chromium, offline, and its charts are drawn: each chart's box
on a screenshot holds plenty of ink and the series colour itself.

Never skipped: without a browser it fails with the line `scripts/test` prints (tests/browser.py),
which says what to install.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests import browser

pytestmark = pytest.mark.integration

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    path = browser.find()
    if path is None:
        pytest.fail(browser.MISSING, pytrace=False)
    return path


def ink(png: bytes) -> tuple[float, int]:
    """Share of pixels that are not (near) white, and pixels of the first series' blue (text,
    axes and grid lines are grey or black)."""
    from PIL import Image

    data = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3], strict=True))
    inked = sum(1 for p in pixels if min(p) < 225)
    blue = sum(1 for r, _, b in pixels if b > 120 and b - r > 40)
    return inked / len(pixels), blue


@pytest.mark.parametrize(
    ("report", "charts"),
    [
        ("fleet", ["Fuel efficiency of moving readings, L/100 km"]),
        ("clicks", ["Clicks per hour", "Funnel: sessions reaching each step"]),
    ],
)
def test_the_html_report_renders_its_charts_offline(cli, report_env, tmp_path, report, charts):
    from playwright.sync_api import sync_playwright

    executable = chromium()
    page_path = tmp_path / f"{report}.html"
    result = cli("report", report, "--html", str(page_path))
    assert result.exit_code == 0, result.output
    assert f"wrote {page_path}" in result.stdout

    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("request", lambda request: requested.append(request.url))
            page.goto(page_path.as_uri())
            page.wait_for_load_state("load")
            page.screenshot(path=str(tmp_path / f"{report}.png"), full_page=True)
            figures = page.locator("figure.chart")
            assert [figures.nth(i).get_attribute("data-chart") for i in range(figures.count())] == (
                charts
            )
            for i in range(figures.count()):
                box = figures.nth(i).bounding_box()
                assert box is not None and box["width"] > 600 and box["height"] > 150
                share, series = ink(figures.nth(i).screenshot())
                assert share > 0.03, f"chart {charts[i]!r} is nearly blank ({share:.1%} ink)"
                assert series > 500, f"chart {charts[i]!r} shows no data ({series} px)"
            assert page.locator("table").count() >= 3
        finally:
            browser.close()
    assert requested == [page_path.as_uri()]  # nothing fetched: the page is self-contained
    assert Path(tmp_path / f"{report}.png").stat().st_size > 10_000
