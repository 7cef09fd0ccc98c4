"""The folder where ``boxoffice serve``'s gunicorn workers keep their metric values.

prometheus_client's multiprocess mode: each worker writes memory-mapped files there, and a
scrape of any worker reads all of them. The folder must start empty (values left by an
earlier run would be added in), so each ``serve`` gets its own, named after its process ID,
under the data folder; folders of ``serve`` processes that are gone are removed on start.
Counters of a worker that exits stay (totals never drop); gunicorn's ``child_exit`` hook
calls :func:`worker_exited` for the bookkeeping of live gauges.

Standard library only: gunicorn's master imports this from its settings file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["MULTIPROC_VARIABLE", "metrics_environment", "worker_exited"]

MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def metrics_environment(data_dir: Path) -> Iterator[dict[str, str]]:
    """An empty folder for this process's workers, as the variable that names it; removed
    after."""
    root = data_dir / "metrics"
    _remove_abandoned(root)
    folder = root / str(os.getpid())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        yield {MULTIPROC_VARIABLE: str(folder)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _remove_abandoned(root: Path) -> None:
    """Folders of ``serve`` processes that no longer run (killed before they could clean)."""
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.name.isdigit() and not _running(int(folder.name)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_exited(pid: int) -> None:
    """gunicorn's ``child_exit``: drop the exited worker's live-gauge files."""
    if not os.environ.get(MULTIPROC_VARIABLE):
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
