"""Renderings of library results: Rich tables for people, plain documents for `--json`."""


def human_bytes(n: int) -> str:
    """`512 B`, `1.5 KiB`, `6.0 MiB`: sizes as people read them."""
    if n < 1024:
        return f"{n:,} B"
    size = n / 1024
    for unit in ("KiB", "MiB"):
        if size < 1024:
            return f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GiB"
