"""The SHA-256 manifest of an export folder, and its verification.

`manifest.json` lists every other file of the folder by its path relative to the folder, its
size and its SHA-256 (ONC 170.315(d)(8): a SHA-2 digest, so a receiver can tell an altered file).
Verifying needs only the folder, not Threadline's database, so whoever receives an export can run
`threadline export verify DIR`; the manifest's own SHA-256 is in the practice's audit log.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
FORMAT = "threadline-export/1"
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1 << 20


class ManifestError(Exception):
    """The manifest is missing or cannot be trusted, so no file can be checked against it."""


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the folder, with forward slashes
    size: int
    sha256: str

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "bytes": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class Verification:
    verified: int
    problems: list[str]  # "altered: pdf/TL-00001.pdf (...)", "missing: ...", "unexpected: ..."
    manifest_sha256: str


def entry_for(path: str, data: bytes) -> FileEntry:
    return FileEntry(path, len(data), hashlib.sha256(data).hexdigest())


def render(fields: dict[str, Any], files: list[FileEntry]) -> bytes:
    """The manifest's bytes: `fields` first, then the files in path order."""
    listed = sorted(files, key=lambda f: f.path)
    body = {"format": FORMAT, **fields, "files": [f.as_json() for f in listed]}
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode()


def _escapes(path: str) -> bool:
    """Whether a manifest path could name something outside the folder, or is not plainly
    relative (absolute, `..`, `.`, empty parts, backslashes, the manifest itself)."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        return True
    parts = path.split("/")
    return any(p in ("", ".", "..") for p in parts) or path == MANIFEST


def _sha256_of(file: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with file.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _listed(manifest: Any) -> dict[str, FileEntry]:
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list):
        raise ManifestError(f"{MANIFEST} has no list of files.")
    listed: dict[str, FileEntry] = {}
    for number, item in enumerate(files, start=1):
        if not isinstance(item, dict):
            raise ManifestError(f"{MANIFEST}: file {number} is not an object.")
        path, size, sha256 = item.get("path"), item.get("bytes"), item.get("sha256")
        if not isinstance(path, str):
            raise ManifestError(f"{MANIFEST}: file {number} has no path.")
        if _escapes(path):
            raise ManifestError(
                f"{MANIFEST} names {path!r}, which is not a plain path inside the export folder."
            )
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ManifestError(f"{MANIFEST}: {path} has no size in bytes.")
        if not isinstance(sha256, str) or not SHA256_HEX.match(sha256):
            raise ManifestError(f"{MANIFEST}: {path} has no SHA-256 (64 lowercase hex digits).")
        if path in listed:
            raise ManifestError(f"{MANIFEST} lists {path} twice.")
        listed[path] = FileEntry(path, size, sha256)
    return listed


def _on_disk(folder: Path) -> Iterator[tuple[str, Path]]:
    """Every file and link under `folder`, by relative path; links are never followed."""
    for root, directories, files in os.walk(folder):
        here = Path(root)
        for name in [*files, *(d for d in directories if (here / d).is_symlink())]:
            path = here / name
            yield path.relative_to(folder).as_posix(), path


def verify(folder: Path) -> Verification:
    """Recompute every listed file's SHA-256; name each altered, missing or unexpected file.

    Raises ManifestError when the manifest is missing, malformed, or names a path outside
    `folder`."""
    if not folder.is_dir():
        raise ManifestError(f"{folder} is not a directory.")
    manifest_path = folder / MANIFEST
    if manifest_path.is_symlink() or not manifest_path.is_file():
        raise ManifestError(f"{folder} has no {MANIFEST}, so there is nothing to verify against.")
    raw = manifest_path.read_bytes()
    try:
        manifest = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as error:
        raise ManifestError(f"{MANIFEST} is not valid JSON ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ManifestError(f"{MANIFEST} is not a Threadline export manifest ({FORMAT}).")
    listed = _listed(manifest)
    problems: list[str] = []
    verified = 0
    for path, entry in sorted(listed.items()):
        parts = path.split("/")
        file = folder.joinpath(*parts)
        # A link anywhere on the way could point outside the folder: never followed.
        steps = [folder.joinpath(*parts[:n]) for n in range(1, len(parts) + 1)]
        if any(step.is_symlink() for step in steps):
            problems.append(f"altered: {path} (a link, not the file exported)")
        elif not file.exists():
            problems.append(f"missing: {path}")
        elif not file.is_file():
            problems.append(f"altered: {path} (not a file)")
        else:
            size, sha256 = _sha256_of(file)
            if (size, sha256) != (entry.size, entry.sha256):
                problems.append(
                    f"altered: {path} ({size} bytes, sha256 {sha256}; the manifest says "
                    f"{entry.size} bytes, sha256 {entry.sha256})"
                )
            else:
                verified += 1
    for path, _ in sorted(_on_disk(folder)):
        if path != MANIFEST and path not in listed:
            problems.append(f"unexpected: {path} (not in the manifest)")
    return Verification(verified, problems, hashlib.sha256(raw).hexdigest())
