"""CPU seconds per rerun of every page, for an ε change and for a new function.

Starts `streamlit run app.py` on 127.0.0.1 (as bench/load_test.py does), opens one session per
page over Streamlit's WebSocket protocol and sends reruns one after the other: first ε changes
(cycling through a few steps: only the array work and the page's elements are redone), then new
functions (`sin(w) + 17`, ...: a J no cache has seen, so parsing, SymPy work in the bounded
workers, compiling and the sweep are redone). For each it prints the CPU the server used per
rerun, from the kernel's accounting (psutil cpu_times before and after, divided by the number of
reruns): the server process alone, and with its worker processes. CPU time, unlike latency,
hardly changes when other programs share the machine, so runs on a busy machine stay comparable.

    .venv/bin/python bench/bench_rerun_cpu.py                     # every page, 30 + 15 reruns
    .venv/bin/python bench/bench_rerun_cpu.py --page error --eps-reruns 60
    .venv/bin/python bench/bench_rerun_cpu.py --url http://127.0.0.1:8660 --server-pid 1234
    .venv/bin/python bench/bench_rerun_cpu.py --page error --idle-sessions 100  # a full class idle

Traffic only goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil
from load_test import (
    FUNCTIONS,
    STEPS,
    StudentSession,
    discover_pages,
    free_port,
    pid_listening_on,
    start_server,
    stop_server,
    wait_healthy,
)

ROOT = Path(__file__).resolve().parent.parent


def cpu_seconds(pid: int) -> tuple[float, float]:
    """(server process, server and all its children) CPU seconds used so far; the children
    already reaped (a worker killed after its time limit) count through children_user/system."""
    process = psutil.Process(pid)
    own = process.cpu_times()
    tree = own.user + own.system + own.children_user + own.children_system
    for child in process.children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        tree += times.user + times.system
    return own.user + own.system, tree


async def measure(session: StudentSession, pid: int, changes: list[tuple[str, str]]) -> dict:
    """Send the changes one by one; CPU per rerun (ms) and the median wall time (ms)."""
    walls, exceptions = [], 0
    own0, tree0 = cpu_seconds(pid)
    for key, value in changes:
        seconds, errors, _ = await session.change(key, value)
        walls.append(seconds)
        exceptions += errors
    own1, tree1 = cpu_seconds(pid)
    n = len(changes)
    return {
        "server_ms": 1000 * (own1 - own0) / n,
        "tree_ms": 1000 * (tree1 - tree0) / n,
        "wall_ms": 1000 * statistics.median(walls),
        "exceptions": exceptions,
    }


async def bench_page(url: str, pid: int, page: str, args, offset: int) -> dict:
    session = StudentSession(url, page, {"f": "w^2", "at": "3", "eps": "0.001"}, args.timeout)
    try:
        await session.open()
        # Warm up: the page's first compile and the caches of the default function.
        for step in STEPS[:3]:
            await session.change("eps", step)
        eps_changes = [("eps", STEPS[i % len(STEPS)]) for i in range(args.eps_reruns)]
        eps = await measure(session, pid, eps_changes)
        await session.change("eps", "0.001")
        new_changes = [
            ("f", f"{FUNCTIONS[i % len(FUNCTIONS)]} + {offset + i}")
            for i in range(args.new_reruns)
        ]
        new = await measure(session, pid, new_changes)
        return {"eps": eps, "new": new}
    finally:
        await session.close()


async def bench_pages(url: str, pid: int, pages: list[str], args) -> dict[str, list[float]]:
    """Every page in turn, with `args.idle_sessions` other sessions connected and idle (Streamlit
    visits every connected session each time it flushes messages); server ms per page."""
    idle = [
        StudentSession(url, "", {"f": "w^2", "at": "3", "eps": "0.001"}, args.timeout)
        for _ in range(args.idle_sessions)
    ]
    totals = {"eps": [], "new": []}
    try:
        for session in idle:
            await session.open()
        for n, page in enumerate(pages):
            result = await bench_page(url, pid, page, args, 1000 * (n + 1))
            report(page, result)
            for kind in totals:
                totals[kind].append(result[kind]["server_ms"])
    finally:
        for session in idle:
            await session.close()
    return totals


def report(page: str, result: dict) -> None:
    eps, new = result["eps"], result["new"]
    errors = eps["exceptions"] + new["exceptions"]
    print(
        f"{'/' + page:<14}{eps['server_ms']:>9.1f}{eps['tree_ms']:>9.1f}{eps['wall_ms']:>9.1f}"
        f"{new['server_ms']:>11.1f}{new['tree_ms']:>9.1f}{new['wall_ms']:>9.1f}"
        + (f"   {errors} exceptions!" if errors else ""),
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", action="append", default=None,
                        help="URL path of a page ('' for the overview; repeatable; default all)")
    parser.add_argument("--eps-reruns", type=int, default=30, help="ε changes per page")
    parser.add_argument("--new-reruns", type=int, default=15, help="new functions per page")
    parser.add_argument("--port", type=int, default=None, help="port to start the server on")
    parser.add_argument("--app", type=Path, default=ROOT / "app.py", help="script to serve")
    parser.add_argument("--url", help="a running app on 127.0.0.1 (else start one)")
    parser.add_argument("--server-pid", type=int, help="with --url: the server's pid")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per rerun at most")
    parser.add_argument("--idle-sessions", type=int, default=0,
                        help="sessions kept open on the overview, doing nothing, meanwhile")
    args = parser.parse_args(argv)
    if not 1 <= args.eps_reruns <= 10_000 or not 1 <= args.new_reruns <= 10_000:
        parser.error("--eps-reruns and --new-reruns must be between 1 and 10000")
    if args.url and urlsplit(args.url).hostname not in ("127.0.0.1", "localhost"):
        parser.error("--url must point at 127.0.0.1 or localhost")

    server = None
    if args.url:
        url = args.url.rstrip("/")
        pid = args.server_pid or pid_listening_on(urlsplit(url).port or 80)
    else:
        port = args.port or free_port()
        url = f"http://127.0.0.1:{port}"
        log = Path(tempfile.gettempdir()) / f"bench_rerun_cpu_{port}.log"
        server = start_server(args.app.resolve(), port, log)
        pid = server.pid
    try:
        wait_healthy(url, timeout=120)
        pages = args.page if args.page is not None else asyncio.run(
            discover_pages(url, args.timeout, None)
        )
        print(f"CPU ms per rerun ({args.eps_reruns} ε changes, {args.new_reruns} new functions "
              f"per page); server = the Streamlit process, +workers = with its SymPy workers")
        print(f"{'page':<14}{'ε server':>9}{'+workers':>9}{'wall':>9}"
              f"{'new server':>11}{'+workers':>9}{'wall':>9}")
        started = time.monotonic()
        totals = asyncio.run(bench_pages(url, pid, pages, args))
        print(f"mean over pages: ε change {statistics.mean(totals['eps']):.1f} ms, new function "
              f"{statistics.mean(totals['new']):.1f} ms of server CPU per rerun "
              f"({time.monotonic() - started:.0f} s)")
    finally:
        if server is not None:
            stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
