"""Functions for tests/test_bounded.py, in a module the worker processes can import by name.

Workers unpickle a function by module and name, so test helpers cannot live in the test module
(pytest imports it under a name the workers would not find the same way) or be lambdas.
"""

import contextlib
import os
import threading
import time

from derivcore.bounded import _get_pool, run_bounded


class TwoArgumentError(Exception):
    """An exception that does not survive pickling: unpickling calls __init__ with one argument."""

    def __init__(self, what, why):
        super().__init__(f"{what}: {why}")


def add(a, b):
    return a + b


def pid():
    return os.getpid()


def pids_outer_and_inner():
    """The worker's pid and the pid that a nested run_bounded call ran in."""
    return os.getpid(), run_bounded(pid)


def sleep_for(seconds):
    time.sleep(seconds)
    return seconds


def spin_forever():
    while True:
        pass


def fail_with(kind, message):
    raise kind(message)


def fail_unpicklably():
    raise TwoArgumentError("odd", "cannot be rebuilt from its args")


def allocate(n_bytes):
    return len(bytearray(n_bytes))


def crash():
    os._exit(3)


def never_finishes(*args, **kwargs):
    """Stands in for a computation that would take far too long (it keeps the processor busy,
    as SymPy does: a job that sleeps looks starved by a busy server)."""
    while True:
        pass


def report_pid_then_sleep(path, seconds):
    """Write this worker's pid to `path`, then sleep (a job to kill from outside)."""
    with open(path, "w") as file:
        file.write(str(os.getpid()))
    time.sleep(seconds)
    return seconds


@contextlib.contextmanager
def every_worker_busy(seconds: float):
    """Every worker of the pool sleeps for `seconds` while the block runs (a saturated server);
    on leaving, the block waits until they are free again."""
    sleepers = [
        threading.Thread(target=run_bounded, args=(sleep_for, seconds), kwargs={"timeout": 10})
        for _ in range(_get_pool().size)
    ]
    for thread in sleepers:
        thread.start()
    time.sleep(0.3)  # let them take every worker
    try:
        yield
    finally:
        for thread in sleepers:
            thread.join()
