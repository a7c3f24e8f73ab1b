"""`--html PATH`: one self-contained page (inline CSS and SVG, nothing fetched) with
the same tables and charts as the terminal."""

from __future__ import annotations

import os
from pathlib import Path

from fleetctl.errors import InputError
from fleetctl.reports import charts
from fleetctl.reports.charts import Chart
from fleetctl.reports.page import Page, Table, Text

TEMPLATE = "report.html.j2"


def render(page: Page) -> str:
    import jinja2
    from markupsafe import Markup

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("fleetctl.reports", "templates"),
        autoescape=True,  # every value in a table comes from data
        trim_blocks=True,
        lstrip_blocks=True,
    )
    blocks = []
    for block in page.blocks:
        if isinstance(block, Table):
            blocks.append(("table", block))
        elif isinstance(block, Chart):
            # pygal escapes the labels it writes into the SVG
            drawing = None if block.empty else Markup(charts.svg(block))
            blocks.append(("chart", (block, drawing)))
        elif isinstance(block, Text):
            blocks.append(("text", block))
    return environment.get_template(TEMPLATE).render(page=page, blocks=blocks)


def write(page: Page, path: Path) -> Path:
    """Write the page atomically (a reader never sees half of it)."""
    text = render(page)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        raise InputError(f"--html {path}: cannot write ({e.strerror or e})") from None
    return path
