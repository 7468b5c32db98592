"""Run SymPy work on user input under a hard wall-clock limit.

A Python thread cannot be stopped, so the work runs in a small pool of worker processes, and a
worker that overruns its time is killed (SIGKILL) and replaced. Workers are forked from a
"zygote" process that has already imported SymPy and derivcore, so a replacement is ready in
milliseconds instead of the ~0.5 s a fresh interpreter needs to import SymPy.

Why not `multiprocessing`: its spawn and forkserver start methods re-run the parent's
`__main__` in every child, and under `streamlit run` that is the app script itself (Streamlit
installs it as `sys.modules["__main__"]`); plain fork of Streamlit's multithreaded server can
deadlock. The zygote is a fresh interpreter started with `subprocess` and only ever forks itself
while single-threaded.

Only top-level functions of importable modules can be sent (they are pickled by name): in the app,
functions from derivcore. The pool is thread-safe; callers beyond the pool size wait for a free
worker, and that wait counts against their time limit.

Settings (read when the pool starts / at each call): `DERIV_WORKERS` (pool size, default 4),
`DERIV_TIMEOUT` (seconds, default 2), `DERIV_WORKER_MEMORY_MB` (address-space cap of a worker so
that a memory bomb fails with MemoryError there instead of exhausting the server; default 2048,
0 for none).

One concept in one module (464 lines): the bounded pool. The wire format, the zygote, the workers
and the pool only make sense together and share the protocol's constants.
"""

import atexit
import contextlib
import importlib
import json
import math
import os
import pickle
import queue
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

# 4 on a 2-core server: with 2, three students typing monstrous functions held every worker and
# raised the others' p95 4.8×; with 4, 1.6× (bench/load_test.py --expensive 3).
DEFAULT_WORKERS = 4
DEFAULT_TIMEOUT = 2.0
DEFAULT_WORKER_MEMORY_MB = 2048

# Imported once in the zygote, so that every forked worker starts with them loaded. A preloaded
# module may define `prepare_worker()`, run once there too: SymPy imports much of itself lazily on
# first use (the first simplify costs ~0.5 s), and a worker that paid that on every start would
# time out on its first job, be replaced, and pay it again.
_PRELOAD = ("sympy", "derivcore.point_values", "derivcore.sweep")
# Keep numerical libraries single-threaded in the zygote: fork copies only the calling thread.
_ZYGOTE_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
_ZYGOTE_BOOT = (
    "import json, sys; sys.path[:] = json.loads(sys.argv[2]); "
    "from derivcore.bounded import _zygote_main; _zygote_main(int(sys.argv[1]))"
)
# A worker also stops itself (SIGALRM, default action: terminate) this long after its own time
# limit, in case the parent that should kill it is gone or stuck.
_SELF_STOP_GRACE = 5
# Seconds the zygote may take to start (import SymPy, warm up) or to fork, before we give up.
_ZYGOTE_LIMIT = 60
# A job that overran its limit with less processor time than this share of the limit was starved
# by a busy machine (a classroom burst), not too expensive: saying "try a simpler function" and
# caching that for every student would be false.
_STARVED_SHARE = 0.5
# Processor time is counted in clock ticks (10 ms): shorter limits (the remainder of a budget, a
# quick proof attempt) cannot be judged, and their overrun stays the input's.
_STARVED_MIN_LIMIT = 0.25
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_LENGTH = struct.Struct("!Q")
_PID = struct.Struct("!q")

# True inside a worker: nested run_bounded calls then run inline, already under the outer limit.
_in_worker = False
# Workers need fork and passing sockets between processes (Linux, macOS). Elsewhere (Windows, for
# a self-learner running the app alone) run_bounded runs the work directly, without a limit.
_CAN_BOUND = hasattr(os, "fork") and hasattr(socket, "send_fds")


class WorkTimeout(TimeoutError):
    """The work did not finish (or could not start) within its time limit.

    `.message` is a sentence for the student; `str(err) == err.message`. `.busy` is True when
    the work never started because every worker was taken, or overran while the busy machine
    gave it less than half its limit in processor time: worth trying again, not remembering.
    """

    def __init__(self, message: str, busy: bool = False):
        super().__init__(message)
        self.message = message
        self.busy = busy


def _seconds(timeout: float) -> str:
    return f"{timeout:g} s"


def timeout_message(timeout: float) -> str:
    """What the student reads when work was stopped after `timeout` seconds."""
    return (
        f"This took longer than {_seconds(timeout)} to compute, so it was stopped. "
        "Try a simpler function."
    )


def starved_message(timeout: float, cpu: float) -> str:
    """What the student reads when work overran its limit while getting too little processor
    time: the server was busy, the input may be fine (so it is not remembered as too slow)."""
    return (
        f"The server is busy: this had only {cpu:.1f} s of processor time in its "
        f"{_seconds(timeout)}, not enough to finish. Try again in a moment."
    )


def _env_number(name: str, default: float, kind: type) -> Any:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {text!r}.") from None
    if value < 0 or (value == 0 and name != "DERIV_WORKER_MEMORY_MB"):
        raise ValueError(f"{name} must be positive, not {text!r}.")
    return value


def default_timeout() -> float:
    """The time limit in seconds used when `run_bounded` gets `timeout=None` (`DERIV_TIMEOUT`)."""
    return _env_number("DERIV_TIMEOUT", DEFAULT_TIMEOUT, float)


# --- framing: a length-prefixed pickle per message over a stream socket ---------------------


def _send_bytes(sock: socket.socket, data: bytes) -> None:
    sock.sendall(_LENGTH.pack(len(data)) + data)


def _recv_exactly(sock: socket.socket, n: int, deadline: float | None) -> bytes:
    buffer = bytearray(n)
    view = memoryview(buffer)
    got = 0
    while got < n:
        if deadline is not None:
            # A timeout on the socket makes recv raise TimeoutError (socket.timeout).
            sock.settimeout(max(deadline - time.monotonic(), 1e-6))
        count = sock.recv_into(view[got:])
        if count == 0:
            raise EOFError("the other end closed the connection")
        got += count
    return bytes(buffer)


def _recv_bytes(sock: socket.socket, deadline: float | None = None) -> bytes:
    (length,) = _LENGTH.unpack(_recv_exactly(sock, _LENGTH.size, deadline))
    return _recv_exactly(sock, length, deadline)


# --- inside the zygote and the workers ------------------------------------------------------


def _portable_error(exc: Exception) -> tuple[Exception, str]:
    """The exception (or a RuntimeError carrying its text if it cannot be pickled) and its
    traceback text, ready to cross to the parent."""
    text = "".join(traceback.format_exception(exc))
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        exc = RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc, text


def _serve(sock: socket.socket) -> None:
    """Worker loop: receive (timeout, fn, args, kwargs), reply (True, result) or
    (False, (exception, traceback text)). Returns when the parent closes the socket."""
    global _in_worker
    _in_worker = True
    sys.path[:] = pickle.loads(_recv_bytes(sock))
    while True:
        try:
            job = _recv_bytes(sock)
        except EOFError:
            return
        try:
            timeout, fn, args, kwargs = pickle.loads(job)
            signal.alarm(math.ceil(timeout) + _SELF_STOP_GRACE)
            result = fn(*args, **kwargs)
            signal.alarm(0)
            reply = pickle.dumps((True, result), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            signal.alarm(0)
            reply = pickle.dumps((False, _portable_error(exc)), pickle.HIGHEST_PROTOCOL)
        try:
            _send_bytes(sock, reply)
        except OSError:  # the parent is gone
            return


def _limit_memory() -> None:
    import resource  # POSIX only, like the rest of the worker side

    megabytes = _env_number("DERIV_WORKER_MEMORY_MB", DEFAULT_WORKER_MEMORY_MB, int)
    if megabytes:
        limit = megabytes * 2**20
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        # A hardening, not a requirement: some systems (macOS) refuse to lower this limit.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _zygote_main(control_fd: int) -> None:
    """Preload, then fork one worker per request. A request is one byte carrying the worker's
    socket (SCM_RIGHTS); the reply is the worker's pid. Exits when the parent goes away."""
    for name in _PRELOAD:
        module = importlib.import_module(name)
        if hasattr(module, "prepare_worker"):
            module.prepare_worker()
    # Workers are reaped by the kernel: the parent kills them by pid and never waits for them.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    control = socket.socket(fileno=control_fd)
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, 1, 1)
        except ConnectionError:
            return
        if not message:
            return
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                control.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _limit_memory()
                _serve(socket.socket(fileno=fds[0]))
            except BaseException:
                traceback.print_exc()
                status = 1
            finally:
                os._exit(status)
        os.close(fds[0])
        control.sendall(_PID.pack(pid))


# --- in the parent --------------------------------------------------------------------------


class _Worker:
    """One forked worker: its pid and our end of its socket."""

    def __init__(self, pid: int, sock: socket.socket):
        self.pid = pid
        self.sock = sock

    def call(self, job: bytes, deadline: float) -> tuple[bool, Any]:
        """Send a pickled job, wait for the reply until `deadline` (raises TimeoutError)."""
        self.sock.settimeout(max(deadline - time.monotonic(), 1e-6))
        _send_bytes(self.sock, job)
        return pickle.loads(_recv_bytes(self.sock, deadline))

    def cpu_seconds(self) -> float | None:
        """Processor time the worker has used so far (Linux's /proc; None elsewhere)."""
        try:
            with open(f"/proc/{self.pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            return None
        # utime and stime, fields 14 and 15 of stat(5), counted after the ")" that ends field 2.
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS

    def idle_and_alive(self) -> bool:
        """An idle worker's socket has nothing to read unless its process has ended (then it
        reads as closed): a worker killed from outside (the OOM killer, an operator) is found
        before a student's job is sent to it."""
        try:
            readable, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.sock.close()


class _Zygote:
    """The preloaded interpreter that forks workers; restarted if it has died."""

    def __init__(self):
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None

    def _start(self) -> None:
        ours, theirs = socket.socketpair()
        env = {**os.environ, **_ZYGOTE_ENV}
        self._process = subprocess.Popen(
            [sys.executable, "-c", _ZYGOTE_BOOT, str(theirs.fileno()), json.dumps(sys.path)],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env=env,
            # Own session: Ctrl+C in the server's terminal is for the server, which then cleans
            # up; the zygote and idle workers also exit by themselves when their sockets close.
            start_new_session=True,
        )
        theirs.close()
        self._control = ours

    def _fork(self) -> _Worker:
        ours, theirs = socket.socketpair()
        try:
            socket.send_fds(self._control, [b"F"], [theirs.fileno()])
            reply = _recv_exactly(self._control, _PID.size, time.monotonic() + _ZYGOTE_LIMIT)
            (pid,) = _PID.unpack(reply)
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        _send_bytes(ours, pickle.dumps(sys.path))
        return _Worker(pid, ours)

    def spawn(self) -> _Worker:
        """A new idle worker (starting or restarting the zygote first when needed)."""
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                with contextlib.suppress(OSError, EOFError):
                    return self._fork()
            self.close()
            self._start()
            return self._fork()

    def close(self) -> None:
        if self._control is not None:
            self._control.close()  # the zygote exits when it sees the end of its control socket
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None


class _Pool:
    """A fixed number of slots; each holds an idle worker or None (to be spawned on use)."""

    def __init__(self, size: int):
        self.size = size
        self._zygote = _Zygote()
        self._slots: queue.Queue[_Worker | None] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        for _ in range(size):
            self._slots.put(self._spawn())

    def _spawn(self) -> _Worker:
        worker = self._zygote.spawn()
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)

    def run(self, job: bytes, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        try:
            worker = self._slots.get(timeout=timeout)
        except queue.Empty:
            raise WorkTimeout(
                f"The server is busy: no worker was free within {_seconds(timeout)}. "
                "Try again in a moment.",
                busy=True,
            ) from None
        healthy = False
        cpu_before = None
        try:
            if worker is not None and not worker.idle_and_alive():
                self._retire(worker)
                worker = None
            if worker is None:
                worker = self._spawn()
            cpu_before = worker.cpu_seconds()
            ok, payload = worker.call(job, deadline)
            healthy = True
        except TimeoutError:
            cpu_after = worker.cpu_seconds() if worker is not None else None
            if timeout >= _STARVED_MIN_LIMIT and None not in (cpu_before, cpu_after):
                cpu = cpu_after - cpu_before
                if cpu < _STARVED_SHARE * timeout:
                    raise WorkTimeout(starved_message(timeout, cpu), busy=True) from None
            raise WorkTimeout(timeout_message(timeout)) from None
        except (EOFError, ConnectionError) as exc:
            raise RuntimeError(
                "The computation stopped unexpectedly (its worker process ended)."
            ) from exc
        finally:
            if healthy:
                self._slots.put(worker)
            else:
                # Timed out, crashed, or interrupted mid-call: its state is unknown, so replace it.
                if worker is not None:
                    self._retire(worker)
                try:
                    self._slots.put(self._spawn())
                except BaseException:
                    self._slots.put(None)
                    raise
        if ok:
            return payload
        error, remote_traceback = payload
        error.add_note(f"Raised in a bounded worker process:\n{remote_traceback}")
        raise error

    def close(self) -> None:
        with self._lock:
            workers, self._workers = self._workers, set()
        for worker in workers:
            worker.kill()
        self._zygote.close()


_pool: _Pool | None = None
_pool_lock = threading.Lock()


def _get_pool() -> _Pool:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = _Pool(_env_number("DERIV_WORKERS", DEFAULT_WORKERS, int))
        return _pool


def warm_up() -> None:
    """Start the worker pool in the background and return at once. It otherwise starts on the
    first call, which then waits about 1-2 s (the zygote imports and warms up SymPy) before its
    own time limit begins; a call made while it starts waits for it (`_get_pool`'s lock), not
    longer. Returning at once lets a page draw what needs no worker meanwhile."""
    if _CAN_BOUND and not _in_worker and _pool is None:
        threading.Thread(target=_get_pool, name="bounded-pool-start", daemon=True).start()


def wait_until_ready() -> None:
    """Start the worker pool if needed and return once it is running (callers that measure a
    time budget call this first: starting the pool, once per server, is nobody's input's cost)."""
    if _CAN_BOUND and not _in_worker:
        _get_pool()


def run_bounded(fn: Callable[..., Any], *args: Any, timeout: float | None = None, **kwargs: Any):
    """`fn(*args, **kwargs)` computed in a worker process, stopped after `timeout` seconds.

    Returns its result; an exception raised by `fn` is raised here with its type and message.
    Raises `WorkTimeout` when the work overruns (the worker is killed and replaced) or when no
    worker becomes free in time; `.busy` tells an overrun starved by a busy machine from one the
    input caused. `fn` must be a top-level function of an importable module, and
    arguments and result must pickle. Called inside a worker, it simply runs `fn` (the outer
    limit still applies); so it does on systems without fork (Windows), with no limit.
    """
    if _in_worker or not _CAN_BOUND:
        return fn(*args, **kwargs)
    if timeout is None:
        timeout = default_timeout()
    if timeout <= 0:
        raise ValueError("The time limit must be a positive number of seconds.")
    # Pickle here, so that a function that cannot be sent fails at once without using a worker.
    job = pickle.dumps((timeout, fn, args, kwargs), pickle.HIGHEST_PROTOCOL)
    return _get_pool().run(job, timeout)


def _forget_pool_in_child() -> None:
    # A process forked from ours must not use (or, at its exit, kill) our workers.
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if _CAN_BOUND:
    os.register_at_fork(after_in_child=_forget_pool_in_child)


@atexit.register
def _shutdown() -> None:
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.close()
