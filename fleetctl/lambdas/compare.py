"""Record-by-record differences between two answers to the same transformation event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from fleetctl.lambdas.contract_check import Answer
from fleetctl.lambdas.events import TransformationBatch

_MISSING = object()


@dataclass(frozen=True)
class Difference:
    """How one record's answer differs: `field` is result, metadata, data or a `$.path` inside
    the decoded data; `left`/`right` are the two values (shortened).
    """

    batch: int
    record_id: str
    origin: str
    field: str
    left: str
    right: str


def differences(
    batch: TransformationBatch, left: list[Answer], right: list[Answer]
) -> list[Difference]:
    """Every record of `batch` whose answers differ, in request order; one entry per record."""
    by_id = [{a.record_id: a for a in answers} for answers in (left, right)]
    found = []
    for record_id, origin in zip(batch.record_ids, batch.origins, strict=True):
        a, b = (side.get(record_id) for side in by_id)
        if a is None or b is None:
            if a is not b:
                found.append(
                    Difference(batch.number, record_id, origin, "answer", _has(a), _has(b))
                )
            continue
        if (where := _first_difference(a, b)) is not None:
            field, x, y = where
            found.append(Difference(batch.number, record_id, origin, field, x, y))
    return found


def _has(answer: Answer | None) -> str:
    return "answered" if answer is not None else "no answer"


def _first_difference(a: Answer, b: Answer) -> tuple[str, str, str] | None:
    if a.result != b.result:
        return "result", a.result, b.result
    if a.data != b.data:
        return _data_difference(a.data or b"", b.data or b"")
    if a.metadata != b.metadata:
        return "metadata", _show(a.metadata), _show(b.metadata)
    return None


def _data_difference(x: bytes, y: bytes) -> tuple[str, str, str]:
    try:
        left, right = orjson.loads(x), orjson.loads(y)
    except orjson.JSONDecodeError:
        return "data", _show(x.decode(errors="replace")), _show(y.decode(errors="replace"))
    path = _json_path_difference(left, right, "$")
    if path is None:  # same document, different bytes (spacing, key order, number spelling)
        return "data", _show(x.decode()), _show(y.decode())
    where, p, q = path
    return where, _show(p), _show(q)


def _json_path_difference(x: Any, y: Any, path: str) -> tuple[str, Any, Any] | None:
    if isinstance(x, dict) and isinstance(y, dict):
        for key in [*x, *(k for k in y if k not in x)]:
            p, q = x.get(key, _MISSING), y.get(key, _MISSING)
            if (found := _json_path_difference(p, q, f"{path}.{key}")) is not None:
                return found
        return None
    if isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
        for i, (p, q) in enumerate(zip(x, y, strict=True)):
            if (found := _json_path_difference(p, q, f"{path}[{i}]")) is not None:
                return found
        return None
    if x == y and type(x) is type(y):
        return None
    return path, x, y


def _show(value: Any, limit: int = 120) -> str:
    if value is _MISSING:
        return "(absent)"
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    return text if len(text) <= limit else text[: limit - 1] + "…"
