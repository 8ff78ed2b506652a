"""Writing output files safely: every file kaohe writes (score cards, frameworks, study tables) is written to a
temporary file next to it and renamed into place, so that an interrupted or failed write leaves the previous
file as it was; and :func:`same_file` tells whether an output would replace one of the inputs.

The command line (kaohe.cli) refuses an output that is an input of the same run unless ``--force`` is given;
the Python API writers only write atomically (their caller names every path).
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import threading
import uuid
from typing import Any, Iterator, Union

__all__ = ["replacing", "write_text", "excel_writer", "same_file"]

PathLike = Union[str, "os.PathLike[str]"]

# Temporary files of the replacing() blocks running in this thread: a writer called on one of them (the command
# line's writer calling an API writer, itself atomic) writes it directly instead of making a second temporary.
_active = threading.local()


def _temporaries() -> "set[str]":
    if not hasattr(_active, "paths"):
        _active.paths = set()
    return _active.paths


def same_file(a: PathLike, b: PathLike) -> bool:
    """True when the paths ``a`` and ``b`` name one existing file: the same path written differently, a
    symbolic link to it, or a hard link (the same inode). False when either does not exist."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def replacing(path: Any) -> Iterator[Any]:
    """Write ``path`` atomically: the block writes the yielded temporary file (in the same folder, with the same
    extension), which then replaces ``path`` in one rename, keeping the mode of the file it replaces. If the
    block raises anything (an error, KeyboardInterrupt), the temporary file is removed and ``path`` is left as
    it was. A symbolic link ``path`` is written through (the file it points to is replaced).

    An object that is not a path (a buffer such as ``io.BytesIO``) is yielded as it is and written directly.

    Raises
    ------
    OSError
        When the file cannot be written (a folder, a missing folder, no permission, a full disk ...); the
        exception's ``filename`` is ``path``, not the temporary file.
    """
    if not isinstance(path, (str, os.PathLike)):
        yield path
        return
    name = os.fspath(path)
    if name in _temporaries():  # already the temporary file of an enclosing replacing()
        yield name
        return
    target = os.path.realpath(name) if os.path.islink(name) else name
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), name)
    folder, base = os.path.split(target)
    stem, suffix = os.path.splitext(base)
    temp = os.path.join(folder, f".{stem}.kaohe-{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp{suffix}")
    try:
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # the umask applies, as for open()
    except OSError as exc:
        raise _about(exc, name) from None
    _temporaries().add(temp)
    try:
        try:
            yield temp
        except OSError as exc:
            if exc.filename == temp:
                raise _about(exc, name) from None
            raise
        try:
            _sync(temp)
            try:
                os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))  # an existing file keeps its mode
            except FileNotFoundError:
                pass
            os.replace(temp, target)
        except OSError as exc:
            raise _about(exc, name) from None
    finally:
        _temporaries().discard(temp)
        with contextlib.suppress(FileNotFoundError):
            os.remove(temp)


def write_text(path: PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (see :func:`replacing`)."""
    with replacing(path) as temp:
        with open(temp, "w", encoding=encoding) as handle:
            handle.write(text)


@contextlib.contextmanager
def excel_writer(path: Any) -> Iterator[Any]:
    """A pandas ``ExcelWriter`` (openpyxl) whose workbook is written to ``path`` atomically (see
    :func:`replacing`) when the block ends. The workbook is built in memory: if the block raises, nothing is
    saved, and pandas' attempt to save an unfinished workbook (which can fail, e.g. "At least one sheet must
    be visible") cannot hide the error. ``path`` may also be a binary buffer."""
    import io

    import pandas as pd

    buffer = io.BytesIO()
    writer = pd.ExcelWriter(buffer, engine="openpyxl")
    yield writer  # an exception here leaves the writer unsaved: the workbook only ever was in memory
    writer.close()
    data = buffer.getvalue()
    if not isinstance(path, (str, os.PathLike)):
        path.write(data)
        return
    with replacing(path) as temp:
        with open(temp, "wb") as handle:
            handle.write(data)


def _sync(path: str) -> None:
    """Flush the written file to the disk before it replaces the old one (so that a crash cannot leave an empty
    file in its place); file systems that cannot sync are not an error."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EBADF, getattr(errno, "ENOTSUP", errno.EINVAL)):
            raise
    finally:
        os.close(fd)


def _about(exc: OSError, name: str) -> OSError:
    """The same error about ``name`` (the file the caller asked for) rather than the temporary file."""
    if exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror or os.strerror(exc.errno), name)
