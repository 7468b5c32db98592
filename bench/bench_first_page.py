"""First page: how long the overview takes in Chromium on a freshly started server.

For each run: start `streamlit run app.py` (as bench/load_test.py does), poll /_stcore/health
every 20 ms, and the moment it answers open the overview in headless Chromium (launched
beforehand, so the browser's own start is not counted) and wait until the script has finished
and every chart has drawn its SVG. That is "cold": what the first student after a restart
waits. Then "warm": a new tab (a new session, in a new browser context: nothing cached) on the
same server, timed from navigation. Also printed: when the page's title appeared.

`--client protocol` times the server's part alone: a session over Streamlit's WebSocket
protocol (bench/load_test.py) until the script has finished, without a browser drawing (on a
busy machine Chromium's own work dominates and varies a lot).

    .venv/bin/python bench/bench_first_page.py                      # app.py, 3 fresh servers
    .venv/bin/python bench/bench_first_page.py --app serve.py       # as hosted (Dockerfile)
    .venv/bin/python bench/bench_first_page.py --client protocol --runs 5

Prints each run and the median. Traffic only goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from load_test import StudentSession, free_port, start_server, stop_server, wait_healthy
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("DERIV_CHROMIUM", "/usr/bin/chromium")  # as tests/browser_support.py
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# The overview's two charts (curve, error) have drawn, and the script has finished running.
DRAWN = """() => {
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    const app = document.querySelector('[data-testid="stApp"]');
    return charts.length >= %d && charts.every(c => c.querySelector('.main-svg'))
        && app && app.getAttribute('data-test-script-state') === 'notRunning';
}"""


def time_page(browser, url: str, charts: int, since: float, timeout_s: float) -> float:
    """Open `url` in a new tab; seconds from `since` until every chart is drawn."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        page.goto(url)
        page.wait_for_selector("[data-testid='stMain'] h2", timeout=timeout_s * 1000)
        title = time.monotonic() - since
        page.wait_for_function(DRAWN % charts, timeout=timeout_s * 1000, polling=20)
        print(f"  title after {title:.2f} s", end="", flush=True)
        return time.monotonic() - since
    finally:
        page.close()


def time_session(url: str, path: str, since: float, timeout_s: float) -> float:
    """One session over the protocol; seconds from `since` until its first run finished."""
    session = StudentSession(url, path.strip("/"), {}, timeout_s)

    async def run() -> None:
        try:
            _, exceptions, _ = await session.open()
            if exceptions:
                raise RuntimeError("the page raised an exception")
        finally:
            await session.close()

    asyncio.run(run())
    return time.monotonic() - since


def one_run(browser, args, log: Path) -> tuple[float, list[float], float]:
    """(cold, [warm...], seconds from the server's start until health answered)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    server = start_server(args.app.resolve(), port, log)
    try:
        healthy = wait_healthy(url, timeout=120, poll=0.02)
        times = []
        for n in range(1 + args.warm):
            since = healthy if n == 0 else time.monotonic()
            if browser is None:
                times.append(time_session(url, args.path, since, args.timeout))
            else:
                times.append(time_page(browser, url + args.path, args.charts, since,
                                       args.timeout))
        return times[0], times[1:], healthy - started
    finally:
        stop_server(server)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh servers to start, one by one")
    parser.add_argument("--warm", type=int, default=2, help="warm page loads per server")
    parser.add_argument("--path", default="/", help="page to open (default: the overview)")
    parser.add_argument("--charts", type=int, default=2, help="charts the page draws")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per page at most")
    parser.add_argument("--app", type=Path, default=ROOT / "app.py",
                        help="the script `streamlit run` starts (app.py, or serve.py as hosted)")
    parser.add_argument("--client", choices=("chromium", "protocol"), default="chromium")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= 50 or not 0 <= args.warm <= 50:
        parser.error("--runs must be 1..50 and --warm 0..50")

    log = Path(tempfile.gettempdir()) / "bench_first_page_server.log"
    colds, warms, starts = [], [], []
    with contextlib.ExitStack() as stack:
        browser = None
        if args.client == "chromium":
            playwright = stack.enter_context(sync_playwright())
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            stack.callback(browser.close)
        for run in range(1, args.runs + 1):
            cold, warm, start = one_run(browser, args, log)
            colds.append(cold)
            warms += warm
            starts.append(start)
            print(f"\nrun {run}: start to health {start:.2f} s; cold {cold:.2f} s (from health), "
                  "warm " + ", ".join(f"{w:.2f}" for w in warm) + " s", flush=True)
    print(f"{args.app.name}, {args.client}: median start to health "
          f"{statistics.median(starts):.2f} s, cold {statistics.median(colds):.2f} s over "
          f"{len(colds)} servers" + (f", warm {statistics.median(warms):.2f} s over "
                                     f"{len(warms)} tabs" if warms else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
