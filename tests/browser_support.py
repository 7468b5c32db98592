"""Starting the app on a free local port and opening it in Debian's headless Chromium."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Debian's Chromium by default; DERIV_CHROMIUM names another build (tests, scripts/, bench/).
CHROMIUM = os.environ.get("DERIV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Every page of the app, and the two sizes a class uses most: a laptop and a phone.
A11Y_PAGES = ["/", "/derivative", "/error", "/curve", "/lab", "/exercises", "/chain-rule"]
VIEWPORTS = [(1366, 768), (390, 844)]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(port: int | None = None):
    """`streamlit run app.py` on localhost; yields its base URL and stops it afterwards."""
    port = port or free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            # Helpers editing files must not make the page offer "File change. Rerun".
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the app did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@contextlib.contextmanager
def chromium():
    """A Playwright browser driving Debian's Chromium (test tools cannot download browsers here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, url: str, width: int = 1366, height: int = 768, dark: bool = False):
    """A fresh tab at `url`, waited on until the script has finished and charts have drawn;
    `dark` emulates a browser set to a dark colour scheme.

    Returns (page, console_errors) where console_errors fills as the page logs them."""
    page = browser.new_page(
        viewport={"width": width, "height": height}, color_scheme="dark" if dark else "light"
    )
    errors = console_errors(page)
    page.goto(url)
    wait_until_idle(page)
    return page, errors


def console_errors(page) -> list[str]:
    """A list that fills with the errors `page` logs and the exceptions it throws from now on
    (attach it before the page loads to see those of the load)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if _is_app_error(msg) else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def _is_app_error(msg) -> bool:
    """A console error, except Streamlit's own probe of <page path>/_stcore/... on a deep link:
    it asks there first, gets a 404, and falls back to the root (Streamlit's doing, not ours)."""
    url = (msg.location or {}).get("url", "")
    return msg.type == "error" and not ("/_stcore/" in url and "404" in msg.text)


def type_function(page, text: str):
    """Type `text` into the sidebar's J(w) box and press Enter, as a student does; returns the
    box once the app has rerun."""
    box = page.get_by_role("textbox", name="J(w) =")
    box.fill(text)
    box.press("Enter")
    wait_until_idle(page)
    return box


def wait_until_idle(page, timeout_ms: int = 30000):
    # Before the first run starts (a deep link first probes <path>/_stcore/, then connects) the
    # app is "notRunning" with nothing in it: wait for the page's title first.
    page.wait_for_selector(
        "[data-testid='stMain'] h1, [data-testid='stMain'] h2", timeout=timeout_ms
    )
    page.wait_for_selector(READY, timeout=timeout_ms)
    # The script may start another run right after the first (e.g. a URL-bound widget syncing).
    page.wait_for_timeout(500)
    page.wait_for_selector(READY, timeout=timeout_ms)
    # Plotly draws after the script's last message; wait until every chart has its SVG.
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every(chart => chart.querySelector('.main-svg'))""",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(300)


def axe_violations(page) -> list[dict]:
    """axe-core's violations of the WCAG 2.1 A and AA rules on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return results.response["violations"]


def boxes_intersect(a: dict, b: dict) -> bool:
    """Whether two bounding boxes (Playwright's x, y, width, height) overlap."""
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )
