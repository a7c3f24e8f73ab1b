"""How an invoke run is shown: result counts, sample failure reasons, contract violations and
differences as tables, or the same as one JSON document.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rich.markup import escape
from rich.table import Table

from fleetctl import console
from fleetctl.lambdas.invocation import InvokeReport, InvokerTally
from fleetctl.views import human_bytes

SAMPLE_REASONS = 5


def document(report: InvokeReport, endpoints: dict[str, str]) -> dict[str, Any]:
    request = report.request
    doc: dict[str, Any] = {
        "stream": request.stream,
        "function": request.function_name,
        "source": report.source,
        "records": report.records,
        "blank_lines_skipped": report.blank_lines,
        "batches": report.batches,
        "data_bytes": report.data_bytes,
        "request_bytes": report.request_bytes,
        "max_request_bytes": report.max_request_bytes,
        "payload_limit_bytes": request.limits.payload_limit_bytes,
        "seconds": round(report.seconds, 3),
        "runs": {
            label: _run_document(tally, report.records, endpoints.get(label))
            for label, tally in report.tallies.items()
        },
    }
    if report.compared:
        doc["compare"] = {
            "identical": report.difference_count == 0,
            "difference_count": report.difference_count,
            "differences": [asdict(d) for d in report.differences],
        }
    return doc


def _run_document(tally: InvokerTally, records: int, endpoint: str | None) -> dict[str, Any]:
    return {
        "endpoint": endpoint,
        "results": dict(tally.results),
        "sample_reasons": [
            {
                "reason": reason,
                "count": count,
                "record_id": tally.samples[reason].record_id,
                "origin": tally.samples[reason].origin,
            }
            for reason, count in tally.reasons.most_common(SAMPLE_REASONS)
        ],
        "seconds": round(tally.seconds, 3),
        "records_per_s": round(records / tally.seconds, 1) if tally.seconds else None,
        "response_bytes": tally.response_bytes,
        "max_response_bytes": tally.max_response_bytes,
        "violation_count": tally.violation_count,
        "violations": tally.violations,
    }


def summary(report: InvokeReport, endpoints: dict[str, str]) -> None:
    doc = document(report, endpoints)
    out = console.out()
    runs = doc["runs"]
    where = ", ".join(f"{label} {url}" if url else label for label, url in _endpoints(runs))
    out.print(f"[bold]{doc['stream']} → {doc['function']}[/] ({escape(where)})")
    table = Table()
    table.add_column("result")
    for label in runs:
        table.add_column(label, justify="right")
    for result in runs[next(iter(runs))]["results"]:
        table.add_row(result, *(f"{run['results'].get(result, 0):,}" for run in runs.values()))
    table.add_row("records/s", *(_rate(run["records_per_s"]) for run in runs.values()))
    table.add_row(
        "largest response",
        *(human_bytes(run["max_response_bytes"]) for run in runs.values()),
    )
    out.print(table)
    skipped = doc["blank_lines_skipped"]
    blank = f", {skipped:,} blank line{'s' if skipped > 1 else ''} skipped" if skipped else ""
    out.print(
        f"{doc['records']:,} records from {escape(doc['source'])}{blank} in {doc['batches']:,} "
        f"batches (largest request {human_bytes(doc['max_request_bytes'])} of "
        f"{human_bytes(doc['payload_limit_bytes'])}), {doc['seconds']:.2f} s"
    )
    for label, run in runs.items():
        _reasons(label, run)
        _violations(label, run)
    if "compare" in doc:
        _comparison(doc["compare"], doc["records"])


def _endpoints(runs: dict[str, dict[str, Any]]) -> list[tuple[str, str | None]]:
    return [(label, run["endpoint"]) for label, run in runs.items()]


def _rate(records_per_s: float | None) -> str:
    return f"{records_per_s:,.0f}" if records_per_s else "-"


def _reasons(label: str, run: dict[str, Any]) -> None:
    if not run["sample_reasons"]:
        return
    table = Table(title=f"ProcessingFailed reasons ({label})", title_justify="left")
    for column in ("count", "reason", "first record"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for sample in run["sample_reasons"]:
        table.add_row(f"{sample['count']:,}", escape(sample["reason"]), escape(sample["origin"]))
    console.out().print(table)


def _violations(label: str, run: dict[str, Any]) -> None:
    if not run["violation_count"]:
        return
    out = console.out()
    out.print(f"[bold red]{run['violation_count']:,} contract violations ({label}):[/]")
    for violation in run["violations"]:
        out.print(f"  {escape(violation)}")
    if run["violation_count"] > len(run["violations"]):
        out.print(f"  … and {run['violation_count'] - len(run['violations']):,} more")


def _comparison(compare: dict[str, Any], records: int) -> None:
    out = console.out()
    if compare["identical"]:
        out.print(f"[green]local and remote answers identical for all {records:,} records[/]")
        return
    table = Table(
        title=f"{compare['difference_count']:,} records answered differently",
        title_justify="left",
    )
    for column in ("record", "field", "local", "remote"):
        table.add_column(column)
    for d in compare["differences"]:
        table.add_row(*(escape(d[key]) for key in ("origin", "field", "left", "right")))
    out.print(table)
