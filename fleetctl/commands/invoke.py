"""`fleetctl invoke`: send records through a transformation function as Firehose would."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from fleetctl.commands import settings_for


class Stream(StrEnum):
    clickstream = "clickstream"
    telemetry = "telemetry"


def invoke(
    ctx: typer.Context,
    stream: Annotated[Stream, typer.Argument(help="Which stream's records and function.")],
    input: Annotated[
        Path | None, typer.Option("--input", help="JSONL or JSONL.gz file, one record a line.")
    ] = None,
    generate: Annotated[
        int | None, typer.Option(help="Simulate N records instead of reading a file.")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of --generate.")] = None,
    remote: Annotated[
        bool, typer.Option("--remote", help="Call lambda.invoke (AWS_ENDPOINT_URL_LAMBDA etc.).")
    ] = False,
    compare: Annotated[
        bool, typer.Option("--compare", help="Run in-process and remotely; diff the answers.")
    ] = False,
    function_name: Annotated[
        str | None, typer.Option(help="Function to invoke (default: lambda.stream_functions).")
    ] = None,
    batch_records: Annotated[int | None, typer.Option(help="Records per event at most.")] = None,
    buffer_mb: Annotated[
        float | None, typer.Option(help="Record bytes per event at most, as Firehose buffers.")
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON summary instead.")] = False,
) -> None:
    """Build Firehose transformation events, invoke the handler, check and count its answers."""
    from fleetctl import console
    from fleetctl.errors import CheckFailed, InputError
    from fleetctl.lambdas.inputs import JsonlFile, SimulatedRecords
    from fleetctl.lambdas.invocation import InvokeRequest, run_invoke
    from fleetctl.lambdas.invoker import LocalInvoker, RemoteInvoker
    from fleetctl.lambdas.runtime import FunctionTable
    from fleetctl.simulate import parse_start
    from fleetctl.views import invocation

    if (input is None) == (generate is None):
        raise InputError("give exactly one of --input PATH or --generate N")
    settings = settings_for(
        ctx,
        {
            "simulate.seed": seed,
            "invoke.batch_records": batch_records,
            "invoke.buffer_mb": buffer_mb,
        },
    )
    request = InvokeRequest.from_settings(settings, stream.value, function_name)
    if input is not None:
        source = JsonlFile(input)
    else:
        source = SimulatedRecords(
            stream=stream.value,
            count=generate or 0,
            seed=int(settings.get("simulate.seed")),
            start=parse_start(str(settings.get("simulate.start"))),
            trucks=int(settings.get("simulate.trucks")),
            clicks_per_minute=float(settings.get("simulate.clicks_per_minute")),
        )
    invokers = []
    if compare or not remote:
        invokers.append(LocalInvoker(FunctionTable.from_settings(settings)))
    if compare or remote:
        invokers.append(RemoteInvoker())
    with console.progress() as bar:
        task = bar.add_task(f"invoke {request.function_name}", total=source.expected_records)
        report = run_invoke(
            request, source, invokers, on_batch=lambda b: bar.advance(task, b.records)
        )
    endpoints = {i.label: i.endpoint for i in invokers if isinstance(i, RemoteInvoker)}
    if json:
        console.emit_json(invocation.document(report, endpoints))
    else:
        invocation.summary(report, endpoints)
    if report.violation_count:
        raise CheckFailed(
            f"{request.function_name} broke the transformation contract "
            f"{report.violation_count:,} times (see the summary)"
        )
    if report.difference_count:
        raise CheckFailed(
            f"local and remote answers differ for {report.difference_count:,} records "
            "(the first are in the summary)"
        )
