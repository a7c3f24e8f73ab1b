"""Where history comes from: local JSONL(.gz) files and directories, or S3 prefixes (Firehose's
backup objects, the simulator's files uploaded). Each source yields raw lines, as recorded."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from fleetctl.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
FILE_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".json.gz", ".gz")


class Source(Protocol):
    name: str  # shown to people: a path or an s3:// URL
    identity: str  # changes when the content may have: the resume ledger's key

    def lines(self) -> Iterator[bytes]: ...


@dataclass(frozen=True)
class FileSource:
    path: Path

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def identity(self) -> str:
        stat = self.path.stat()
        return f"file:{self.path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"

    def lines(self) -> Iterator[bytes]:
        try:
            with self.path.open("rb") as raw:
                yield from _lines(raw, self.name)
        except OSError as e:
            raise InputError(f"{self.path}: cannot read ({e.strerror or e})") from None


@dataclass(frozen=True)
class S3Source:
    client: Any
    bucket: str
    key: str
    etag: str

    @property
    def name(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    @property
    def identity(self) -> str:
        return f"{self.name}:{self.etag}"

    def lines(self) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=self.key)["Body"]
        # a Firehose object holds one buffer's worth (at most 128 MiB): read it whole
        yield from _lines(io.BytesIO(body.read()), self.name)


def expand(specs: list[str], s3_client_factory: Any = None) -> list[Source]:
    """Files as given, directories as their JSONL files, s3://bucket/prefix as its objects;
    each group sorted by name, which for Firehose's YYYY/MM/DD/HH keys is time order."""
    sources: list[Source] = []
    client = None
    for spec in specs:
        if spec.startswith("s3://"):
            if client is None:
                client = s3_client_factory()
            sources.extend(_s3_objects(client, spec))
            continue
        path = Path(spec)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.name.endswith(FILE_SUFFIXES)
            )
            if not files:
                raise InputError(f"{path}: no .jsonl or .jsonl.gz files in this directory")
            sources.extend(FileSource(p) for p in files)
        elif path.is_file():
            sources.append(FileSource(path))
        else:
            raise InputError(f"{path}: no such file or directory")
    return sources


def _s3_objects(client: Any, url: str) -> list[Source]:
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not bucket:
        raise InputError(f"{url}: expected s3://bucket/prefix")
    from botocore.exceptions import BotoCoreError, ClientError

    found: list[Source] = []
    try:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            found.extend(
                S3Source(client, bucket, item["Key"], item["ETag"].strip('"'))
                for item in page.get("Contents", [])
                if not item["Key"].endswith("/")
            )
    except (BotoCoreError, ClientError) as e:
        raise InputError(f"{url}: cannot list objects ({e})") from None
    if not found:
        raise InputError(f"{url}: no objects under this prefix")
    return sorted(found, key=lambda s: s.key)


def _lines(raw: IO[bytes], name: str) -> Iterator[bytes]:
    head = raw.read(2)
    raw.seek(0)
    stream: IO[bytes] = gzip.GzipFile(fileobj=raw) if head == GZIP_MAGIC else raw
    try:
        for line in stream:
            if line.strip():
                yield line if line.endswith(b"\n") else line + b"\n"
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise InputError(f"{name}: damaged gzip data ({e})") from None
