"""Writing files atomically: a temporary file beside the target, then a rename.

A failure at any point leaves the target as it was (absent, or the previous version),
never half written. The temporary file is created like any file the user writes, so the
result gets the usual permissions (the umask's), not ``mkstemp``'s private 0600.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "write_text_atomic"]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    Whatever writes to the temporary path (text, pandas, a serialiser) need not be atomic
    itself. On an exception the temporary file is removed and ``path`` is untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(6)}.tmp"
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_text_atomic(path: str | os.PathLike[str], text: str, *,
                      newline: str | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; ``newline`` as for :func:`open`."""
    with atomic_path(path) as temporary, open(temporary, "x", encoding="utf-8",
                                              newline=newline) as stream:
        stream.write(text)
