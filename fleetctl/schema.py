"""The records' schema as flat fields, derived from the one declaration, `handlers/contract.py`.

Each leaf of a stream's contract Struct is a `Field`: the path of keys that reaches it in a record
and what kind of value it holds. The warehouse's columns and the stores' key checks are derived
from these, so a field added to the contract reaches them without being written out again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import msgspec

from handlers.contract import ClickstreamRecord, TelemetryRecord, UtcMinute, UtcSecond

RECORDS: dict[str, type[msgspec.Struct]] = {
    "clickstream": ClickstreamRecord,
    "telemetry": TelemetryRecord,
}
TEXT, FLOAT, INTEGER, TIMESTAMP = "text", "float", "integer", "timestamp"
_TIMESTAMPS = (UtcMinute, UtcSecond)  # text in the record, an instant everywhere else


@dataclass(frozen=True)
class Field:
    path: tuple[str, ...]
    kind: str  # TEXT, FLOAT, INTEGER or TIMESTAMP
    optional: bool  # may be null

    @property
    def dotted(self) -> str:
        """The field as people write it: `gps.lat`."""
        return ".".join(self.path)


def fields(record: type[msgspec.Struct], prefix: tuple[str, ...] = ()) -> list[Field]:
    """Every leaf field of the contract Struct `record`, in declaration order."""
    hints = get_type_hints(record, include_extras=True)
    found = []
    for name in record.__struct_fields__:
        hint, optional = _without_none(hints[name])
        path = (*prefix, name)
        base = _base(hint)
        if isinstance(base, type) and issubclass(base, msgspec.Struct):
            found.extend(fields(base, path))
        else:
            found.append(Field(path, _kind(hint, base, ".".join(path)), optional))
    return found


def stream_fields(stream: str) -> list[Field]:
    return fields(RECORDS[stream])


def _without_none(hint: Any) -> tuple[Any, bool]:
    if get_origin(hint) is Union or type(hint).__name__ == "UnionType":
        members = [arg for arg in get_args(hint) if arg is not type(None)]
        if len(members) == 1:
            return members[0], len(members) < len(get_args(hint))
    return hint, False


def _base(hint: Any) -> Any:
    return get_args(hint)[0] if get_origin(hint) is Annotated else hint


def _kind(hint: Any, base: Any, where: str) -> str:
    if hint in _TIMESTAMPS:
        return TIMESTAMP
    if get_origin(base) is Literal:
        values = get_args(base)
        base = type(values[0])
    if base in (str, uuid.UUID):
        return TEXT
    if base is float:
        return FLOAT
    if base is int:
        return INTEGER
    raise TypeError(f"{where}: no column kind for {hint!r}")
