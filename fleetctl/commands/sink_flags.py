"""Options shared by the commands that send records to a sink (simulate, replay), declared once:
`@sending` gives a command --sink, every registered sink's own flags (from the sink registry),
the delivery streams, --realtime/--speed and --json, and hands them over as one `Sending`."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, get_type_hints

import typer

from fleetctl.errors import InputError
from fleetctl.sinks import PIPELINE, SINKS, STREAM_FLAGS, Flag

PANEL = "Sink"


def _annotated(flag: Flag, panel: str | None = PANEL) -> Any:
    declaration = f"{flag.name}/{flag.off}" if flag.off else flag.name
    return Annotated[
        flag.kind | None, typer.Option(declaration, help=flag.help, rich_help_panel=panel)
    ]


def _sink_help() -> str:
    ordered = [PIPELINE, *(name for name in SINKS if name != PIPELINE)]  # the default first
    names = [f"{n} ({SINKS[n].summary})" if SINKS[n].summary else n for n in ordered]
    return f"Where records go: {', '.join(names[:-1])} or {names[-1]}."


SinkName = Annotated[str | None, typer.Option("--sink", help=_sink_help(), rich_help_panel=PANEL)]
ClickstreamStream, TelemetryStream = (_annotated(flag) for flag in STREAM_FLAGS)
Realtime = Annotated[
    bool, typer.Option("--realtime", help="Send records when they happen (same as --speed 1).")
]
Speed = Annotated[
    float | None,
    typer.Option(
        help="Event time per wall time: 1 = real time, 60 = an hour a minute, 0 = no wait."
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON summary instead.")]

# the flags a sink owns, each once, with the sinks that read it
OWNED: dict[str, tuple[Flag, list[str]]] = {}
for _name, _spec in SINKS.items():
    for _flag in _spec.flags:
        OWNED.setdefault(_flag.name, (_flag, []))[1].append(_name)
FLAGS = [*(flag for flag, _ in OWNED.values()), *STREAM_FLAGS]


def _parameter(flag: Flag) -> str:
    return flag.name.removeprefix("--").replace("-", "_")


@dataclass(frozen=True)
class Sending:
    """What the sink flags said: the sink (None: the configured one), each flag's value by its
    settings key (None: not given), the pace, and --json."""

    sink: str | None
    values: dict[str, Any]
    realtime: bool
    speed: float | None
    json: bool

    def overrides(self) -> dict[str, Any]:
        """The sink flags as the settings keys they override."""
        return {"sink": self.sink, **self.values}

    def check(self, sink: str) -> None:
        """Refuse a flag of another sink than the one chosen, rather than ignore it."""
        for flag, owners in OWNED.values():
            if self.values.get(flag.key) is not None and sink not in owners:
                owner = " or ".join(owners)
                raise InputError(
                    f"{flag.name} is an option of the {owner} sink, not of {sink} "
                    f"(add --sink {owners[0]})"
                )


def sending(command: Callable[..., None]) -> Callable[..., None]:
    """Add the sink flags to `command`, which takes them as one keyword argument `sending`."""
    hints = get_type_hints(command, include_extras=True)
    own = [
        inspect.Parameter(p.name, p.kind, default=p.default, annotation=hints[p.name])
        for p in inspect.signature(command).parameters.values()
        if p.name != "sending"
    ]
    added = {
        "realtime": (Realtime, False),
        "speed": (Speed, None),
        "sink": (SinkName, None),
        **{_parameter(flag): (_annotated(flag), None) for flag in FLAGS},
        "json": (Json, False),
    }
    keys = {_parameter(flag): flag for flag in FLAGS}

    @functools.wraps(command)
    def with_sending(**arguments: Any) -> None:
        given = {name: arguments.pop(name) for name in added}
        values = {}
        for name, flag in keys.items():
            value = given[name]
            # settings hold paths as text, as they come from TOML and the environment
            values[flag.key] = str(value) if isinstance(value, Path) else value
        chosen = Sending(given["sink"], values, given["realtime"], given["speed"], given["json"])
        command(**arguments, sending=chosen)

    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, (kind, default) in added.items()
    ]
    keyword_only = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own[1:]]
    parameters = [own[0], *keyword_only, *extra]
    with_sending.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    with_sending.__annotations__ = {p.name: p.annotation for p in parameters}
    del with_sending.__wrapped__  # Typer must read the new signature, not the command's
    return with_sending
