"""Where `pipeline.process` runs: in this process (serial) or on Dask workers.

Reading stays in the caller (it names bad files on stderr, in input order); this module
partitions the documents into batches, runs `process` on a local or remote Dask cluster
and hands the results back in input order, streamed, with a bounded number of batches in
flight so that memory stays flat on long runs. Storing and fusing stay in the caller's
process, so both engines store exactly the same thing. A worker that dies mid-batch costs
nothing: the scheduler reruns the batch elsewhere (Dask's `allowed-failures`).
"""
from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from vigil.model import Document

ENGINES = ("serial", "dask")


class EngineError(Exception):
    """The engine cannot run (scheduler unreachable, bad option); one line for the user."""


@dataclass(frozen=True)
class Failed:
    """`process` raised on one document: the error, as a line, instead of a report."""

    error: str


Result = dict | Failed


def _process_one(doc: Document) -> Result:
    from vigil.pipeline import process

    try:
        return process(doc).to_dict()
    except KeyboardInterrupt:
        raise
    except Exception as e:  # one bad report must not stop the run
        return Failed(f"{type(e).__name__}: {e}")


def process_batch(docs: list[Document]) -> list[Result]:
    """One partition, run on a worker: a report dict (or `Failed`) per document, in order."""
    return [_process_one(d) for d in docs]


def warm_up() -> None:
    """Load what `process` loads lazily (the lexicons' Aho-Corasick automaton, the gazetteer's name
    index, the resolver's tables) by processing one small invented report, so that the cost is paid
    once per worker at start, not inside the first batch."""
    from vigil.geo import gazetteer

    gazetteer.load()
    _process_one(Document("vigil-warm-up", date(2020, 1, 6),
                          "Shelling by government forces killed two civilians in the town of Ariha on Monday."))


try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - dask is a dependency; serial runs need not import it
    WorkerPlugin = object  # type: ignore[assignment,misc]


class WarmUp(WorkerPlugin):  # type: ignore[misc,valid-type]
    """Runs `warm_up` once when a worker joins (and again on a restarted worker)."""

    name = "vigil-warm-up"

    def setup(self, worker) -> None:  # noqa: ANN001 - distributed's Worker
        warm_up()


def batch_size(n_docs: int, n_workers: int) -> int:
    """About four batches per worker (for balance), at most 64 reports per batch (so that a lost
    worker costs little and results stream back steadily)."""
    return max(1, min(64, -(-n_docs // max(1, 4 * n_workers))))


# Dask settings for a local cluster whose tasks are long and few (the partitioned engine): Dask's
# housekeeping is made rarer, as it takes CPU from the same cores the tasks run on. The statistical
# profiler samples every thread 100 times a second; the event loop checks its health 50 times a
# second and each nanny polls its worker's memory 10 times a second. One task at a time per worker
# thread (saturation 1.0): no task waits on a busy worker while another is idle.
QUIET_CONFIG: dict[str, object] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.worker-saturation": 1.0,
}


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None, quiet: bool = True):
    """A `distributed.Client` on a fresh `LocalCluster` (processes, `workers` of one thread each, with
    `QUIET_CONFIG` unless `quiet` is False) or connected to `scheduler`; the warm-up plugin
    registered. Closed (and the cluster stopped) on exit."""
    import logging

    import dask
    from distributed import Client, LocalCluster

    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout="20s")
            except (OSError, TimeoutError) as e:
                raise EngineError(f"cannot reach the Dask scheduler at {scheduler} ({e}); start it with "
                                  "`dask scheduler` and the workers with `dask worker ADDRESS`") from e
            if workers:
                try:
                    client.wait_for_workers(workers, timeout=120)
                except TimeoutError as e:
                    client.close()
                    raise EngineError(f"fewer than {workers} Dask workers joined {scheduler} within 120 s") from e
        else:
            n = workers or os.cpu_count() or 1
            with dask.config.set(QUIET_CONFIG if quiet else {}):  # the nannies hand it to their workers
                cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=logging.ERROR)
                client = Client(cluster)
    except BaseException:
        if cluster is not None:
            cluster.close()
        raise
    try:
        client.register_plugin(WarmUp(), name=WarmUp.name)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _n_workers(client) -> int:
    return max(1, len(client.nthreads()))


def map_on_client(client, docs: Sequence[Document], window: int | None = None) -> Iterator[Result]:
    """`process` over `docs` on the client's workers; results in input order, as they become ready
    in that order. At most `window` batches (default 2 per worker + 2) are in flight."""
    n_workers = _n_workers(client)
    size = batch_size(len(docs), n_workers)
    window = window or 2 * n_workers + 2
    batches = (list(docs[i:i + size]) for i in range(0, len(docs), size))
    pending: deque = deque()

    def submit_next() -> bool:
        batch = next(batches, None)
        if batch is None:
            return False
        # pure=False: two identical batches are still two tasks (each must yield its own results)
        pending.append((batch, client.submit(process_batch, batch, pure=False)))
        return True

    while len(pending) < window and submit_next():
        pass
    while pending:
        batch, future = pending.popleft()
        try:
            results = future.result()
        except Exception as e:  # the batch failed on every retry (e.g. workers killed by memory)
            results = [Failed(f"lost on the Dask cluster ({type(e).__name__}: {e})")] * len(batch)
        finally:
            future.release()
        submit_next()
        yield from results


@contextmanager
def open_engine(engine: str = "serial", scheduler: str | None = None, workers: int | None = None):
    """A function docs -> results (a report dict or `Failed` per document, in input order) on `engine`.
    The Dask cluster is reached (or started) on entry, so a bad address fails before anything is
    stored, and it is closed on exit."""
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}: use serial or dask")
    if workers is not None and workers < 1:
        raise EngineError("--workers must be at least 1")
    if engine == "serial":
        if scheduler or workers:
            raise EngineError("--scheduler and --workers apply to --engine dask")
        yield lambda docs: (_process_one(d) for d in docs)
        return
    with dask_client(scheduler, workers) as client:
        yield lambda docs: map_on_client(client, docs)


def process_documents(docs: Sequence[Document], engine: str = "serial", scheduler: str | None = None,
                      workers: int | None = None) -> Iterator[Result]:
    """A report dict (or `Failed`) per document, in input order, computed by `engine`."""
    with open_engine(engine, scheduler, workers) as run:
        yield from run(docs)
