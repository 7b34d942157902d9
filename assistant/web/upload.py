"""Uploaded files: checked, renamed to something harmless, stored under ``data_dir/uploads``."""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from assistant.ingest.corpus import SUPPORTED_SUFFIXES
from assistant.models import sha256_file

MAX_NAME = 80
_ODD = re.compile(r"[^A-Za-z0-9._-]+")


class UploadError(ValueError):
    """A file that is not accepted; the message says why."""


@dataclass
class Stored:
    paths: list[Path] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)


def safe_name(name: str) -> str:
    """A plain file name: no folders, no ``..``, no hidden files, only ``[A-Za-z0-9._-]``.

    Umlauts become their base letter (``Bericht_über.txt`` -> ``Bericht_uber.txt``)
    rather than vanishing, so names stay recognisable.
    """
    base = re.split(r"[\\/]", name)[-1]
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    cleaned = _ODD.sub("_", ascii_name)
    cleaned = re.sub(r"\.{2,}", ".", cleaned).strip("._-")
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot:
        stem, suffix = cleaned, ""
    stem = stem.strip("._-")[: MAX_NAME - len(suffix) - 1] or "upload"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def check_upload(path: Path, name: str, max_mb: int) -> None:
    """Raise ``UploadError`` unless ``path`` is a regular file with an allowed suffix within the size limit."""
    suffix = Path(safe_name(name)).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UploadError(f"unsupported type {suffix or '(none)'}: use {', '.join(SUPPORTED_SUFFIXES)}")
    if not path.is_file():
        raise UploadError("not a regular file")
    size = path.stat().st_size
    if size > max_mb * 1_000_000:
        raise UploadError(f"too large ({size / 1e6:.1f} MB, at most {max_mb} MB)")
    if size == 0:
        raise UploadError("empty file")


def _target(folder: Path, name: str, digest: str) -> Path:
    """``name`` in ``folder``; the same content reuses its file, other content gets ``-2``, ``-3`` …"""
    candidate = folder / name
    stem, suffix = candidate.stem, candidate.suffix
    n = 1
    while candidate.exists() and sha256_file(candidate) != digest:
        n += 1
        candidate = folder / f"{stem}-{n}{suffix}"
    return candidate


def store_uploads(files: list[tuple[Path, str]], uploads_dir: Path, max_mb: int) -> Stored:
    """Copy accepted ``(temp path, original name)`` files into ``uploads_dir``."""
    result = Stored()
    uploads_dir.mkdir(parents=True, exist_ok=True)
    root = uploads_dir.resolve()
    for path, original in files:
        shown = safe_name(original)
        try:
            check_upload(path, original, max_mb)
            target = _target(root, shown, sha256_file(path))
            if target.resolve().parent != root:  # cannot happen with safe_name; checked anyway
                raise UploadError("bad file name")
            if not target.exists():
                shutil.copyfile(path, target)
        except (UploadError, OSError) as err:
            result.problems.append((shown, str(err)))
            continue
        result.paths.append(target)
    return result
