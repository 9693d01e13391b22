"""Writing files atomically: a temporary file beside the target, then a rename.

A failure at any point leaves the target as it was (absent, or the previous version),
never half written. The temporary file is created like any file the user writes, so the
result gets the usual permissions (the umask's, or those of the file it replaces), not
``mkstemp``'s private 0600.

Only regular files are written: a target that is a folder, a device (``/dev/null``,
``/dev/full``), a pipe or a socket is refused, never replaced. A symbolic link is written
through (its target is replaced; the link stays). Temporary files are named ``.NAME.tmp-``
and eight random characters, so that one left by a killed process is recognisable; they are
removed on every exit the process controls (an exception, Ctrl-C, SIGTERM under the CLI).
Operating-system errors become an :class:`~ceasefire.errors.InputError` naming the path,
the reason and a fix.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from ceasefire.errors import InputError

__all__ = ["TEMPORARY_MARK", "atomic_path", "check_writable", "describe_os_error",
           "write_text_atomic"]

#: Part of every temporary file's name: ``.report.html.tmp-1a2b3c4d``.
TEMPORARY_MARK = ".tmp-"
#: Longest file name most file systems accept, in bytes.
_NAME_MAX = 255

_FIXES = {
    errno.EACCES: "choose a folder you can write to, or change its permissions",
    errno.EPERM: "choose a folder you can write to, or change its permissions",
    errno.EROFS: "the file system is read-only; write somewhere else",
    errno.ENOSPC: "the disk is full; free some space or write somewhere else",
    errno.EDQUOT: "the disk quota is exhausted; free some space or write somewhere else",
    errno.ENAMETOOLONG: "choose a shorter name (at most 255 bytes per name)",
    errno.ENOENT: "check that the folder exists and can hold files",
    errno.EISDIR: "give a file name, not a folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder; choose another path",
    errno.EEXIST: "a part of the path is a file, not a folder; choose another path",
    errno.ELOOP: "the path has a loop of symbolic links; choose another path",
}


def describe_os_error(error: OSError, path: str | os.PathLike[str] | None = None, *,
                      action: str = "write") -> str:
    """Return a one-line message for ``error``: the path, the reason and a fix.

    ``path`` defaults to the error's own file name; ``action`` is the verb ("write",
    "read") used in the message.
    """
    where = path if path is not None else (error.filename or "?")
    reason = error.strerror or str(error)
    fix = _FIXES.get(error.errno or 0, "choose another path")
    if action == "read" and error.errno in (errno.EACCES, errno.EPERM):
        fix = "make the file readable (chmod +r) or copy it somewhere you can read"
    elif action == "read" and error.errno == errno.ENOENT:
        fix = "check the path"
    return f"cannot {action} {os.fspath(where)}: {reason}; fix: {fix}"


def _resolve_target(path: str | os.PathLike[str]) -> Path:
    """The regular file to replace for ``path``: links followed, anything else refused."""
    given = Path(path)
    too_long = OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG))
    if any(len(os.fsencode(part)) > _NAME_MAX for part in given.parts):
        raise InputError(describe_os_error(too_long, given))
    try:
        target = Path(os.path.realpath(given)) if given.is_symlink() else given
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    except NotADirectoryError:
        raise InputError(_not_a_folder(given)) from None
    except OSError as error:
        raise InputError(describe_os_error(error, given)) from None
    if len(os.fsencode(target.name)) > _NAME_MAX:
        raise InputError(describe_os_error(too_long, given))
    if stat.S_ISDIR(mode):
        raise InputError(f"cannot write {given}: it is a folder; fix: give a file name "
                         f"such as {given / 'out.json'}")
    if not stat.S_ISREG(mode):
        kind = ("a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a pipe" if stat.S_ISFIFO(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise InputError(f"cannot write {given}: it is {kind}, and ceasefire writes only "
                         "regular files (it would replace it); fix: give the path of a "
                         "regular file")
    return target


def _not_a_folder(given: Path) -> str:
    """The message for a path whose folder part is a file (``report.json/sub``)."""
    blocker = next((p for p in given.parents if os.path.lexists(p) and not p.is_dir()),
                   given.parent)
    return (f"cannot write {given}: {blocker} is a file, not a folder; fix: choose another "
            "path, or move that file away")


def _make_folder(folder: Path, given: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        # mkdir(exist_ok=True) raises these only when something that is not a folder is there
        raise InputError(_not_a_folder(given)) from None
    except OSError as error:
        raise InputError(describe_os_error(error, given)) from None


def _temporary_name(target: Path) -> Path:
    # Keep the temporary name within the file system's limit even for long targets.
    stem = target.name
    suffix = f"{TEMPORARY_MARK}{secrets.token_hex(4)}"
    while len(os.fsencode(f".{stem}{suffix}")) > _NAME_MAX:
        stem = stem[:-1]
    return target.parent / f".{stem}{suffix}"


def check_writable(path: str | os.PathLike[str]) -> Path:
    """Check, before any work, that :func:`atomic_path` can write ``path``; return the target.

    Creates nothing that stays: when the folder exists, a temporary file is created in it
    and removed at once (the only sure test of a write); a missing folder is fine as long
    as the nearest existing one above it is a folder.

    Raises
    ------
    InputError
        As :func:`atomic_path`.
    """
    given = Path(path)
    target = _resolve_target(given)
    folder = target.parent
    existing = next((p for p in (folder, *folder.parents) if os.path.lexists(p)), None)
    if existing is not None and not existing.is_dir():
        raise InputError(_not_a_folder(given))
    if existing == folder:
        probe = _temporary_name(target)
        try:
            with open(probe, "x"):
                pass
        except OSError as error:
            raise InputError(describe_os_error(error, given)) from None
        finally:
            with contextlib.suppress(OSError):
                probe.unlink(missing_ok=True)
    return target


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    Whatever writes to the temporary path (text, pandas, a serialiser) need not be atomic
    itself. On an exception (``KeyboardInterrupt`` included) the temporary file is removed
    and ``path`` is untouched.

    Raises
    ------
    InputError
        When ``path`` is a folder, a device, a pipe or a socket, when a part of its folder
        is a file, when its name is too long, or when the system refuses the write (no
        permission, read-only file system, disk full); the message names the path and a fix.
    """
    given = Path(path)
    target = _resolve_target(given)
    _make_folder(target.parent, given)
    temporary = _temporary_name(target)
    try:
        yield temporary
        with contextlib.suppress(FileNotFoundError):
            # keep the permissions of the file being replaced
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
        os.replace(temporary, target)
    except OSError as error:
        raise InputError(describe_os_error(error, given)) from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def write_text_atomic(path: str | os.PathLike[str], text: str, *,
                      newline: str | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; ``newline`` as for :func:`open`.

    Raises
    ------
    InputError
        As :func:`atomic_path`.
    """
    with atomic_path(path) as temporary, open(temporary, "x", encoding="utf-8",
                                              newline=newline) as stream:
        stream.write(text)
