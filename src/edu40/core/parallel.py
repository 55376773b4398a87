"""Many independent replications (bootstrap draws, Monte Carlo samples): in turn, with joblib, or on Dask.

Every replication gets its own random stream, spawned from one
``numpy.random.SeedSequence``: replication ``i`` draws the same numbers
whichever worker runs it, so a fixed ``seed`` gives the same result for any
``n_jobs``, chunking or backend.  Replications travel in chunks (tens per
task) so that process start-up and pickling cost little next to the fits;
a run so short that starting worker processes would cost more than it
saves (timed on its first chunk) stays in the calling process.
Each chunk runs with one BLAS thread: the parallelism is across
replications, and survey-sized matrices gain nothing from threaded BLAS.

A run that stops early (a lost Dask scheduler, a failing worker, Ctrl-C)
raises :class:`ReplicationError`; its ``partial`` holds what was finished.

This module imports nothing from edu40, so any stage may use it.
"""

from __future__ import annotations

import contextlib
import math
import os
import time

import numpy as np

__all__ = ["ReplicationError", "run_replications", "seed_sequence", "one_blas_thread"]

# seconds to wait for a Dask scheduler given by its address
CONNECT_TIMEOUT = 10
# Replications per chunk of a stacked task: tens at once make the stacked arrays pay, and a fixed
# size makes a replication's chunk, hence its arithmetic to the last bit, the same for any number
# of workers and any backend.
STACK_CHUNK = 32
# Starting worker processes (each imports numpy, scipy, pandas and edu40) costs 1-3 s: a run whose
# first chunk, timed in this process, predicts less work than this stays in this process.
POOL_MIN_SECONDS = 3.0


class ReplicationError(RuntimeError):
    """Replications that could not all be run.

    Attributes
    ----------
    partial : object or None
        The result computed from the replications that finished (same type
        as a complete run's result, with fewer replications), or ``None``
        when none finished.
    done : int
        Number of replications that finished.
    """

    def __init__(self, message: str, partial=None, done: int = 0):
        super().__init__(message)
        self.partial = partial
        self.done = done


def seed_sequence(seed) -> np.random.SeedSequence:
    """A SeedSequence from ``None`` (fresh entropy), an int or a SeedSequence."""
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(seed.entropy)
    if seed is None or (isinstance(seed, (int, np.integer)) and seed >= 0):
        return np.random.SeedSequence(None if seed is None else int(seed))
    raise ValueError(f"seed must be a non-negative integer or None, not {seed!r}")


def check_count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive whole number, not {value!r}")
    return int(value)


_CONTROLLER = []


def one_blas_thread():
    """A context in which BLAS and LAPACK use one thread.

    Survey-sized matrices (20-200 variables) gain nothing from threaded BLAS,
    and on a busy machine OpenBLAS threads that wait for a core make a
    40 x 40 inversion take milliseconds.  The thread-pool controller is built
    once per process (building it scans the loaded libraries, ~1-3 ms).
    """
    if not _CONTROLLER:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


def _run_chunk(task, payload, indices, seeds, limit=True):
    """Worker side: one chunk of replications with a single BLAS thread.

    ``limit=False`` in worker threads: the calling thread holds the limit for
    all of them (the limit is per process, and threads entering and leaving
    it would undo each other's).
    """
    if not limit:
        return indices, task(payload, indices, seeds)
    with one_blas_thread():
        return indices, task(payload, indices, seeds)


def _chunks(n: int, workers: int, chunk_size=None):
    if chunk_size is None:
        # about 8 chunks per worker (balances uneven fits), at most 50 replications each
        chunk_size = max(1, min(50, math.ceil(n / (8 * max(workers, 1)))))
    return [list(range(i, min(i + chunk_size, n))) for i in range(0, n, chunk_size)]


def run_replications(task, payload, n: int, seed_seq: np.random.SeedSequence, *, n_jobs=-1,
                     backend=None, client=None, progress=True, desc="replications",
                     chunk_size=None, stacked=False):
    """Run ``task(payload, indices, seeds) -> list`` over replications ``0..n-1``.

    Returns ``(outputs, error)``: ``outputs`` maps each finished replication
    to its output; ``error`` is ``None`` or the exception that stopped the
    run (the caller keeps the partial outputs and reports it).

    ``stacked``: the task fits a chunk as one stack of arrays; chunks then
    have the fixed size ``STACK_CHUNK`` on every backend, so a replication's
    arithmetic does not depend on the number of workers.
    """
    seeds = seed_seq.spawn(n)
    outputs: dict = {}
    bar = _progress_bar(n, progress, desc)
    if stacked and chunk_size is None:
        chunk_size = STACK_CHUNK
    try:
        if backend == "dask":
            error = _run_dask(task, payload, seeds, n, client, outputs, bar, chunk_size)
        else:
            error = _run_joblib(task, payload, seeds, n, n_jobs, backend, outputs, bar, chunk_size)
    finally:
        bar.close()
    return outputs, error


def _progress_bar(n, progress, desc):
    from tqdm import tqdm

    return tqdm(total=n, desc=desc, unit="rep", disable=not progress, leave=False)


def _workers(n_jobs) -> int:
    """joblib's reading of ``n_jobs`` (-1 all cores, -2 all but one, ...); joblib is imported only
    when a run goes parallel (importing it costs a fifth of a second)."""
    if isinstance(n_jobs, (int, np.integer)) and n_jobs != 0:
        try:
            cores = len(os.sched_getaffinity(0))      # the cores this process may use
        except AttributeError:                       # pragma: no cover - not Linux
            cores = os.cpu_count() or 1
        return int(n_jobs) if n_jobs > 0 else max(cores + 1 + int(n_jobs), 1)
    import joblib

    return joblib.effective_n_jobs(n_jobs)


def _run_joblib(task, payload, seeds, n, n_jobs, backend, outputs, bar, chunk_size):
    if backend not in (None, "loky", "threading", "multiprocessing", "sequential"):
        raise ValueError(f"backend must be None (joblib's default), 'loky', 'threading', "
                         f"'multiprocessing', 'sequential' or 'dask', not {backend!r}")
    workers = 1 if backend == "sequential" else _workers(n_jobs)
    chunks = _chunks(n, workers, chunk_size)
    try:
        if workers > 1 and len(chunks) > 1:
            # time the first chunk here; a short run is not worth starting worker processes
            t0 = time.perf_counter()
            done_idx, outs = _run_chunk(task, payload, chunks[0], [seeds[i] for i in chunks[0]])
            per_rep = (time.perf_counter() - t0) / len(chunks[0])
            outputs.update(zip(done_idx, outs))
            bar.update(len(done_idx))
            chunks = chunks[1:]
            if per_rep * sum(len(c) for c in chunks) < POOL_MIN_SECONDS:
                workers = 1
        if workers == 1:
            for idx in chunks:
                done_idx, outs = _run_chunk(task, payload, idx, [seeds[i] for i in idx])
                outputs.update(zip(done_idx, outs))
                bar.update(len(done_idx))
            return None
        import joblib

        threads = backend == "threading"
        # threads share the process's BLAS limit: this thread holds it for all of them
        with one_blas_thread() if threads else contextlib.nullcontext():
            with joblib.Parallel(n_jobs=workers, backend=backend,
                                 return_as="generator_unordered") as par:
                for done_idx, outs in par(joblib.delayed(_run_chunk)(
                        task, payload, idx, [seeds[i] for i in idx], not threads) for idx in chunks):
                    outputs.update(zip(done_idx, outs))
                    bar.update(len(done_idx))
        return None
    except (Exception, KeyboardInterrupt) as err:   # keep what finished; the caller reports it
        return err


def dask_client(client, timeout=None):
    """The Dask client to use: ``client`` itself, one connected to an address, or the current one."""
    try:
        import distributed
    except ImportError:   # pragma: no cover - the test extra installs it
        raise ImportError("backend='dask' needs dask.distributed: pip install 'edu40[dist]'") from None
    if client is None:
        try:
            return distributed.get_client(), False
        except ValueError:
            raise ReplicationError(
                "backend='dask' found no running Dask client. Start one first, e.g. "
                "`from distributed import Client; client = Client('tcp://scheduler:8786')` "
                "(or Client() for a local cluster), or pass client= (a Client or the "
                "scheduler's address)") from None
    if isinstance(client, str):
        timeout = CONNECT_TIMEOUT if timeout is None else timeout
        try:
            return distributed.Client(client, timeout=timeout), True
        except (OSError, TimeoutError) as err:
            raise ReplicationError(
                f"cannot reach the Dask scheduler at {client!r} within {timeout} s ({err}). Check "
                f"that the scheduler is running and the address and port are right; nothing was "
                f"computed") from err
    if not hasattr(client, "submit"):
        raise TypeError(f"client must be a distributed.Client or a scheduler address, "
                        f"not {type(client).__name__}")
    return client, False


def _run_dask(task, payload, seeds, n, client, outputs, bar, chunk_size):
    import distributed

    client, owned = dask_client(client)
    futures = []
    try:
        if client.status not in ("running", "connecting", "newly-created"):
            raise ReplicationError(f"the Dask client is {client.status!r}; connect a running client")
        workers = sum(client.nthreads().values()) or 1
        chunks = _chunks(n, workers, chunk_size)
        # send the data once, not with every chunk
        remote = client.scatter(payload, broadcast=True, hash=False)
        futures = [client.submit(_run_chunk, task, remote, idx, [seeds[i] for i in idx], pure=False)
                   for idx in chunks]
        for fut in distributed.as_completed(futures):
            done_idx, outs = fut.result()
            outputs.update(zip(done_idx, outs))
            bar.update(len(done_idx))
        return None
    except (Exception, KeyboardInterrupt) as err:
        for f in futures:
            try:
                f.cancel()
            except Exception:   # the scheduler may be gone already
                pass
        return err
    finally:
        if owned:
            client.close()
