"""The resume ledger: sources a backfill has fully landed, so a re-run after an interruption
goes on where it stopped. Loads are idempotent anyway; the ledger only saves the work."""

from __future__ import annotations

from pathlib import Path

import orjson

from fleetctl.manifest import utc_now_iso


class ResumeLedger:
    def __init__(self, home: Path, target: str) -> None:
        self.path = home / "backfills" / "landed.jsonl"
        self.target = target  # a source landed in one warehouse has not landed in another
        self._done: set[tuple[str, str, str]] = set()
        if self.path.is_file():
            for line in self.path.read_bytes().splitlines():
                entry = orjson.loads(line)
                self._done.add((entry["target"], entry["source"], entry["selection"]))

    def landed(self, identity: str, selection: str) -> bool:
        return (self.target, identity, selection) in self._done

    def mark(self, identity: str, selection: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        entry = {
            "target": self.target,
            "source": identity,
            "selection": selection,
            "landed_at": utc_now_iso(),
        }
        with self.path.open("ab") as f:
            f.write(orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE))
        self._done.add((self.target, identity, selection))
