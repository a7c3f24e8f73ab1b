"""Deterministic seeds, UUIDs and display ids, all derived by hashing (seed, purpose, index...)."""

import hashlib
import random

_SEP = "\x1f"
# RFC 9562 variant bits (10xx) for the first hex digit of the fourth group.
_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


def _key(parts: tuple[object, ...]) -> str:
    return _SEP.join(map(str, parts))


def derive_seed(*parts: object) -> int:
    """A 64-bit seed for `parts`; independent of PYTHONHASHSEED and of call order."""
    digest = hashlib.blake2b(_key(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def derived_rng(*parts: object) -> random.Random:
    """A private random stream for one purpose, e.g. ``derived_rng(seed, "truck", 42)``."""
    return random.Random(derive_seed(*parts))


def uuid_namespace(*parts: object) -> str:
    """The first 80 bits of a family of UUIDs, hashed from `parts`; end it with `uuid_in`.

    The layout is RFC 9562 version 8 (custom): 74 hashed bits then a 48-bit counter, so ids are
    unique within a family and families differ by seed, start, stream and truck. Appending a
    counter costs a fifth of hashing every id, which matters at a million records a minute.
    """
    h = hashlib.blake2b(_key(parts).encode(), digest_size=10).hexdigest()
    return f"{h[:8]}-{h[8:12]}-8{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-"


def uuid_in(namespace: str, counter: int) -> str:
    return f"{namespace}{counter:012x}"


def unit_interval(*parts: object) -> float:
    """A uniform number in [0, 1) fixed by `parts`, for when one draw is all that is needed."""
    return derive_seed(*parts) / 2.0**64


def truck_id(index: int) -> str:
    return f"TRK-{index + 1:05d}"


def driver_id(number: int) -> str:
    return f"DRV-{number:04d}"


def depot_id(index: int) -> str:
    return f"DEP-{index + 1:02d}"


def user_id(number: int) -> str:
    return f"USR-{number:07d}"


def item_id(number: int) -> str:
    return f"SKU-{number:05d}"
