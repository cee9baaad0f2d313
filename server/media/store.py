"""The content-addressed photo store on disk."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

VARIANTS = ("display", "thumb")


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str, variant: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.{variant}.jpg"

    def write(self, sha256: str, variant: str, data: bytes) -> None:
        """Write atomically: a reader or a crash never sees half a file."""
        target = self.path(sha256, variant)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def has(self, sha256: str) -> bool:
        return all(self.path(sha256, variant).exists() for variant in VARIANTS)

    def remove(self, sha256: str) -> None:
        for variant in VARIANTS:
            self.path(sha256, variant).unlink(missing_ok=True)
