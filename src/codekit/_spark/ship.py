"""The data directory, shipped to Spark executors once and opened there read-only.

:func:`ship_data` zips the installed data directory (``codekit.data.data_dir()``: the NCCI
tables and every other installed pack, already in codekit's memory-mapped formats) and adds
it to the job with ``SparkContext.addArchive``. Spark copies the archive to each executor
once and unpacks it there; :func:`activate` (run by every codekit function on an executor)
points ``CODEKIT_DATA_DIR`` at the unpacked folder. Nothing is downloaded or parsed again:
opening a pack maps its arrays.

:func:`activate` also moves what is alive in the Python worker at the start of each task
into the garbage collector's permanent generation (``gc.freeze()``). Spark's worker runs
``gc.collect()`` after every task, and a full collection walks every object the worker
holds (its modules, pandas, pyarrow and codekit's opened tables): about 40 ms of CPU per
task, as much as the Arrow transfer of 100,000 lines. At the start of a task that
collection has just run, so nothing freed by it is lost; frozen objects are still freed
when their last reference goes, only reference cycles among them are never collected.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from codekit.exceptions import IntegrationError

__all__ = ["ENV", "ShippedData", "activate", "ship_data"]

#: The variable codekit reads the data directory from.
ENV = "CODEKIT_DATA_DIR"


class ShippedData(str):
    """The name of a shipped data archive (what executors pass to ``SparkFiles.get``)."""

    __slots__ = ()


def _archive(root: Path) -> Path:
    """A zip of ``root``, named by a digest of its contents (the same data, the same name)."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name[0] != ".")
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(str(path.stat().st_size).encode())
        digest.update(str(path.stat().st_mtime_ns).encode())
    name = f"codekit-data-{digest.hexdigest()[:16]}.zip"
    target = Path(tempfile.gettempdir()) / name
    if not target.exists():
        aside = target.with_suffix(f".{os.getpid()}.tmp")
        with zipfile.ZipFile(aside, "w", zipfile.ZIP_STORED) as archive:
            for path in files:
                archive.write(path, str(path.relative_to(root)))
        aside.replace(target)
    return target


def ship_data(spark: Any, data_dir: str | os.PathLike[str] | None = None) -> ShippedData:
    """Send the installed data directory to every executor of ``spark``'s job, once.

    :param spark: a ``pyspark.sql.SparkSession`` (classic, with a ``SparkContext``).
    :param data_dir: the folder to ship; default ``codekit.data.data_dir()``.
    :returns: the archive's name; pass it as ``data=`` to the functions of
        :mod:`codekit.spark` (they open it on the executors).
    """
    from codekit.data import data_dir as installed

    root = Path(data_dir) if data_dir is not None else installed()
    if not root.is_dir():
        raise IntegrationError(
            f"no data directory at {root}: install the NCCI tables first "
            "(codekit data install ...) or pass data_dir="
        )
    archive = _archive(root)
    context = getattr(spark, "sparkContext", None)
    if context is None:
        raise IntegrationError(
            "this SparkSession has no SparkContext (Spark Connect): add the archive yourself "
            f"with spark.addArtifacts({str(archive)!r}, archive=True) and pass data="
            f"{archive.name!r}"
        )
    if archive.name not in _shipped.setdefault(id(context), set()):
        context.addArchive(str(archive))
        _shipped[id(context)].add(archive.name)
    return ShippedData(archive.name)


_shipped: dict[int, set[str]] = {}


#: The executor's own ``CODEKIT_DATA_DIR`` before any shipped data was activated in it.
_own: list[str | None] = []


#: The task whose start last froze the worker's objects.
_frozen: list[int] = []


def _freeze_at_task_start() -> None:
    """``gc.freeze()`` once per Spark task, at its first codekit call (module docstring)."""
    import gc

    from pyspark import TaskContext

    context = TaskContext.get()
    if context is None:  # not inside a Spark task
        return
    task = context.taskAttemptId()
    if _frozen and _frozen[0] == task:
        return
    _frozen[:] = [task]
    gc.freeze()


def activate(data: str | None) -> None:
    """On an executor: use the shipped data ``data`` (an archive name), or with ``None`` the
    executor's own data directory (Python workers are reused across jobs: a job that shipped
    nothing must not see what an earlier job shipped). At a task's first call, freeze what
    the worker holds out of the reach of Spark's collection after each task (module
    docstring)."""
    import codekit

    _freeze_at_task_start()

    if not _own:
        _own.append(os.environ.get(ENV))
    if data is None:
        folder = _own[0]
    else:
        from pyspark import SparkFiles

        folder = SparkFiles.get(str(data))
    if os.environ.get(ENV) != folder:
        if folder is None:
            del os.environ[ENV]
        else:
            os.environ[ENV] = folder
        codekit.refresh()
