"""Load test: N concurrent real Streamlit sessions against `streamlit run app.py`.

Each session does what a student's browser tab does over the WebSocket at /_stcore/stream: it
loads the page and /_stcore/health (which sets the `_streamlit_xsrf` cookie), opens the stream
with the subprotocols ["streamlit", <xsrf token>] and its cookies, asks for a first run of one
page, then keeps changing f, at or ε the way the sidebar's text boxes do: a `rerun_script`
BackMsg carrying the widget states and the URL's query string. The latency of a change is the
time from sending that message to the `script_finished` ForwardMsg, i.e. until every element of
the new run has been sent.

Errors are: exception elements in a run (what a student would see as a crash), runs that do not
finish within --run-timeout, dropped connections, and pages the server does not find. Error
alerts (`st.error`, e.g. "too complex to differentiate within 2 s") are counted separately: they
are the app's intended answer to hostile input, not failures.

The server's CPU and resident memory come from /proc for the server process and its children
(derivcore.bounded's worker processes), so SymPy work done in workers is counted.

    .venv/bin/python bench/load_test.py --sessions 30 --duration 60
    .venv/bin/python bench/load_test.py --sessions 30 --expensive 3 --duration 60
    .venv/bin/python bench/load_test.py --sessions 10 --attackers 2 --duration 60
    .venv/bin/python bench/load_test.py --sessions 10 --changes 100 --distinct --think 0
    .venv/bin/python bench/load_test.py --url http://127.0.0.1:8501 --sessions 5 --changes 10
    # a classroom burst: 100 students open the link within 10 s, then follow the lecture
    .venv/bin/python bench/load_test.py --sessions 100 --arrive-within 10 --think 5 --duration 60
    # the same through nginx (deploy/nginx.conf) in front of 2 replicas, by a DNS name
    .venv/bin/python bench/load_test.py --replicas 2 --host class.example.edu --sessions 100 \
        --arrive-within 10 --think 5 --duration 60

Without --url the tool starts `streamlit run app.py` itself on a free localhost port (with
--replicas 2: two servers running --app, default serve.py as in the Dockerfile, and Debian's
nginx with deploy/nginx.conf in front, see bench/replicas.py) and stops them at the end.
"First paint" is the time from a student's first page request until the first run of the page
has finished (its last element sent; a browser then still has to draw it). Traffic only ever
goes to 127.0.0.1 (--host only changes the Host and Origin headers the tabs send).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookiejar
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, OrderedDict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Markdown_pb2 import Markdown
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.typing import Subprotocol

ROOT = Path(__file__).resolve().parent.parent

# What students type: the lab's examples and the course's usual suspects.
FUNCTIONS = (
    "w^2", "1/w^2", "sin(w)", "sigmoid(w)", "exp(w)", "log(w)", "w^3", "tanh(w)", "sqrt(w)",
    "cos(w)", "w^3 - 2w", "1/w", "sin(w)/w", "w*exp(-w^2)", "log(1 + w^2)", "softplus(w)",
    "relu(w)", "abs(w)", "(w - 1)(w + 2)", "exp(-w)*sin(3w)", "2w^2 + 3w + 1", "tanh(2w)",
)
POINTS = ("3", "4", "1", "0.5", "2", "-2", "pi/4", "0.1", "10", "1e-3", "-0.5", "1.5")
STEPS = ("0.001", "1e-6", "1e-9", "0.1", "0.01", "1e-12", "1e-4", "1e-15", "1e-8", "0.5")
# Pass the parser, then make SymPy work hard: each of these runs the simplification of J' into
# its time bound (checked with derivcore.prepared.prepare), and the pages' other symbolic work
# (exact values, steps, graph) after it. `{n}` makes every one new, as a hostile student would,
# so no cache absorbs the cost.
EXPENSIVE = (
    "(sin(w)^9 + cos(w)^9 + tan(w)^9)^9 / (exp(sin(w)) + {n})^9",
    "tanh(tanh(tanh(tanh(sin(w)^7))))^9 + log(1 + exp(exp(w)^9)) + {n}w",
    "(w^7 + 3w^5 + {n})^9 / (sin(w)^8 + cos(w)^8 + 1)^9",
    "(w^3 + w + {n})^1000 / (w^2 + 1)^999",
    "(w + sin(w) + exp(w) + log(w) + sqrt(w) + {n})^50",
    "(sin(w) + cos(w) + {n})^1000",
    "exp(sin(w))^999 / ({n} + w^2)^999",
)
# Inputs that once ran unbounded in the server process (mpmath reducing an argument of 10^(10^5)
# or more): an attacker sends a fresh variant on every change, so no cache absorbs it.
HOSTILE = (
    "exp(exp(exp(exp(w)))) + {n}w",
    "sin(exp(exp(w + {n})))",
    "exp(exp(w + 100000 + {n}))",
    "sin(exp(w*{n}0000000))",
    "cos(exp(exp(w^2 + {n})))*w",
    "w^(exp(exp(w + {n})))",
)
GROUPS = ("normal", "expensive", "attacker")
# How often a student changes each input: the function less often than the point and ε.
FIELD_WEIGHTS = {"f": 0.3, "at": 0.3, "eps": 0.4}
WIDGET_KEYS = ("f", "at", "eps")


# --- the server and its processes ------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat from field 3 on (the command name may contain spaces)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def process_tree(root: int) -> list[int]:
    """root and all its descendants (e.g. the SymPy worker processes)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(int(entry))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


@dataclass
class ProcessSample:
    """CPU seconds used so far (whole tree), resident memory of the server process, and of the
    whole tree as PSS (forked workers share pages with their parent: PSS splits those instead of
    counting them once per process, as summing RSS would)."""

    cpu_seconds: float
    rss_main: int
    rss_tree: int
    processes: int


def _pss(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def sample_processes(root: int) -> ProcessSample | None:
    tree = process_tree(root)
    ticks, rss_main, rss_tree = 0, 0, 0
    for pid in tree:
        fields = _stat_fields(pid)
        if fields is None:
            continue
        # utime, stime, cutime, cstime (fields 14-17): the c* hold children already reaped,
        # e.g. workers killed after a timeout, which are no longer in the tree.
        ticks += sum(int(v) for v in fields[11:15])
        rss = int(fields[21]) * PAGE_SIZE
        pss = _pss(pid)
        rss_tree += rss if pss is None else pss
        if pid == root:
            rss_main = rss
    if rss_main == 0:
        return None
    return ProcessSample(ticks / CLOCK_TICKS, rss_main, rss_tree, len(tree))


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat): to see what else ran."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def vm_hwm(pid: int) -> int | None:
    """Peak resident memory of one process (VmHWM in /proc/<pid>/status), in bytes."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def pid_listening_on(port: int) -> int | None:
    """The process that has a listening TCP socket on `port` (from /proc/net/tcp and fds)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":  # 0A = LISTEN
                inodes.add(f"socket:[{cols[9]}]")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fds = os.listdir(f"/proc/{entry}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{entry}/fd/{fd}") in inodes:
                    return int(entry)
            except OSError:
                continue
    return None


class Sampler(threading.Thread):
    """Samples the server's process tree every `interval` seconds while the load runs."""

    def __init__(self, pid: int, interval: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, ProcessSample]] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            sample = sample_processes(self.pid)
            if sample:
                self.samples.append((time.monotonic(), sample))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base_url: str, timeout: float, poll: float = 0.2) -> float:
    """Poll /_stcore/health every `poll` seconds; the monotonic time it first answered 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic()
        except OSError:
            pass
        time.sleep(poll)
    raise RuntimeError(f"{base_url}/_stcore/health did not answer within {timeout:.0f} s")


def start_server(app: Path, port: int, log_path: Path) -> subprocess.Popen:
    """`streamlit run app.py` on 127.0.0.1:port, with the app's own .streamlit/config.toml (read
    from the working directory, so it is the repository's for a script elsewhere too, such as
    bench/floor_app.py) and, as the Dockerfile does, no file watcher: hosted files do not change,
    and a watcher that sees an edit re-imports derivcore mid-test (a new worker pool, old workers
    left running)."""
    command = [
        sys.executable, "-m", "streamlit", "run", str(app.resolve()),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_server(server: subprocess.Popen) -> None:
    """Stop the server we started, then any of its children that outlive it, each by pid."""
    tree = process_tree(server.pid)
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)
    for pid in tree[1:]:
        if _stat_fields(pid) is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


# --- one student -----------------------------------------------------------------------------


@dataclass
class RunResult:
    session: int
    group: str  # one of GROUPS
    page: str
    change: str  # the input changed, e.g. "f=1/w^2"
    seconds: float | None  # None when the run did not finish
    error: str | None = None  # "exception", "timeout", "disconnect", "page not found", ...
    error_alerts: list[str] = field(default_factory=list)


class SessionError(Exception):
    """A run that went wrong at the protocol level (the kind is the message)."""


class StudentSession:
    """One browser tab: a WebSocket to /_stcore/stream that speaks Streamlit's protocol.

    `host`, when given, is the host name (and port) the tab believes it is talking to, e.g.
    "class.example.edu:8080": it is sent as Host and Origin while the connection goes to
    base_url's address, as a browser would after resolving that name (a balancer must pass the
    name on, or Streamlit refuses the WebSocket). `cookies`, when given, is the browser's jar,
    shared by its tabs and kept across reconnects (a balancer may pin the browser with one)."""

    def __init__(
        self, base_url: str, page: str, values: dict[str, str], run_timeout: float,
        host: str | None = None, cookies: http.cookiejar.CookieJar | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.host = host or urlsplit(self.base_url).netloc
        self.cookies = cookies if cookies is not None else http.cookiejar.CookieJar()
        self.page = page  # the page's URL path ("" for the default page)
        self.values = dict(values)
        self.run_timeout = run_timeout
        self.widget_ids: dict[str, str] = {}
        self.page_hash = ""
        self.app_pages: list[tuple[str, str]] = []  # (url path, script hash)
        # The browser keeps large messages and tells the server which ones it has.
        self.message_cache: OrderedDict[str, ForwardMsg] = OrderedDict()
        self.ws: ClientConnection | None = None
        self.session_id = ""  # the server's id of this session (from NewSession)
        self.formulas: list[str] = []  # the LaTeX the last run drew (what the page computed)

    async def open(self, resume: bool = False) -> tuple[float, int, list[str]]:
        """Load the page and run it once: (seconds, exceptions, error alert texts).

        With `resume`, ask for the session this tab had, as Streamlit's frontend does when its
        WebSocket reconnects (the session id as a third subprotocol): the server that holds it
        hands it back, any other starts a fresh one."""
        cookies = await asyncio.to_thread(self._load_page)
        split = urlsplit(self.base_url)
        scheme = "wss" if split.scheme == "https" else "ws"
        protocols = [Subprotocol("streamlit"), Subprotocol(cookies.get("_streamlit_xsrf", ""))]
        if resume and self.session_id:
            protocols.append(Subprotocol(self.session_id))
        headers = {"Origin": f"{split.scheme}://{self.host}"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        self.ws = await connect(
            f"{scheme}://{self.host}{split.path}/_stcore/stream",
            host=split.hostname, port=split.port or (443 if scheme == "wss" else 80),
            subprotocols=protocols, additional_headers=headers,
            max_size=None, open_timeout=self.run_timeout, compression=None,
        )
        state = ClientState(query_string=self.query_string(), page_name=self.page)
        if resume:
            self._add_widget_states(state)
        return await self._run(state)

    def _load_page(self) -> dict[str, str]:
        """Load the page, then /_stcore/health as the frontend does (it sets the XSRF cookie),
        keeping cookies like a browser (a load balancer may pin the session with one)."""
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        for path in (self.page, "_stcore/health"):
            request = urllib.request.Request(
                f"{self.base_url}/{path}", headers={"Host": self.host}
            )
            with opener.open(request, timeout=10) as response:
                response.read()
        return {cookie.name: cookie.value or "" for cookie in self.cookies}

    def query_string(self) -> str:
        return urlencode(self.values)

    async def change(self, key: str, value: str) -> tuple[float, int, list[str]]:
        """Type `value` into the text box `key` and wait for the run to finish."""
        self.values[key] = value
        state = ClientState(query_string=self.query_string(), page_script_hash=self.page_hash)
        self._add_widget_states(state)
        return await self._run(state)

    def _add_widget_states(self, state: ClientState) -> None:
        """What the text boxes hold, as the frontend sends it with every rerun."""
        for name, text in self.values.items():
            if name in self.widget_ids:
                widget = state.widget_states.widgets.add()
                widget.id = self.widget_ids[name]
                widget.string_value = text

    async def _run(self, state: ClientState) -> tuple[float, int, list[str]]:
        """Send a rerun and read until it finishes: (seconds, exceptions, error alert texts)."""
        assert self.ws is not None
        state.cached_message_hashes.extend(self.message_cache.keys())
        start = time.perf_counter()
        await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
        exceptions, alerts = 0, []
        self.formulas = []
        deadline = start + self.run_timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise SessionError("timeout")
            try:
                data = await asyncio.wait_for(self.ws.recv(), remaining)
            except TimeoutError:
                raise SessionError("timeout") from None
            except ConnectionClosed:
                raise SessionError("disconnect") from None
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":
                msg = self.message_cache.get(msg.ref_hash, msg)
                kind = msg.WhichOneof("type")
            elif msg.hash and msg.metadata.cacheable:
                self.message_cache[msg.hash] = msg
                while len(self.message_cache) > 200:
                    self.message_cache.popitem(last=False)
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id
            elif kind == "navigation":  # st.navigation: the pages and the one being shown
                self.page_hash = msg.navigation.page_script_hash
                self.app_pages = [
                    (p.url_pathname, p.page_script_hash) for p in msg.navigation.app_pages
                ]
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                etype = element.WhichOneof("type")
                if etype == "exception":
                    exceptions += 1
                elif etype == "alert" and element.alert.format == Alert.ERROR:
                    alerts.append(element.alert.body)
                elif etype == "text_input" and element.text_input.id.rsplit("-", 1)[-1] in (
                    WIDGET_KEYS
                ):
                    key = element.text_input.id.rsplit("-", 1)[-1]
                    self.widget_ids[key] = element.text_input.id
                elif etype == "markdown" and element.markdown.element_type == Markdown.LATEX:
                    self.formulas.append(element.markdown.body)
            elif kind == "page_not_found":
                raise SessionError("page not found")
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise SessionError("compile error")
                if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return time.perf_counter() - start, exceptions, alerts

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None


class Inputs:
    """What one student types next: a stream of (key, value) changes."""

    def __init__(self, rng: random.Random, group: str, distinct: bool, counter: list[int]):
        self.rng, self.group, self.distinct, self.counter = rng, group, distinct, counter

    def _next_number(self) -> int:
        self.counter[0] += 1
        return self.counter[0]

    def first_values(self) -> dict[str, str]:
        return {"f": self.rng.choice(FUNCTIONS), "at": self.rng.choice(POINTS), "eps": "0.001"}

    def next_change(self, current: dict[str, str]) -> tuple[str, str]:
        if self.group in ("expensive", "attacker"):
            formulas = EXPENSIVE if self.group == "expensive" else HOSTILE
            return "f", self.rng.choice(formulas).format(n=self._next_number())
        if self.distinct:
            return "f", f"w^2 + {self._next_number()}*w"
        key = self.rng.choices(list(FIELD_WEIGHTS), weights=list(FIELD_WEIGHTS.values()))[0]
        options = {"f": FUNCTIONS, "at": POINTS, "eps": STEPS}[key]
        value = self.rng.choice([v for v in options if v != current.get(key)])
        return key, value


async def discover_pages(base_url: str, run_timeout: float, host: str | None) -> list[str]:
    """The app's page URL paths, from the first session's NewSession message."""
    session = StudentSession(base_url, "", {}, run_timeout, host=host)
    try:
        await session.open()
        return [path for path, _ in session.app_pages] or [""]
    finally:
        await session.close()


@dataclass
class LoadConfig:
    base_url: str
    sessions: int
    changes: int
    duration: float
    expensive: int
    attackers: int
    distinct: bool
    think: float
    run_timeout: float
    seed: int
    pages: list[str]
    arrive_within: float = 2.0  # students open the app at uniformly random times in this window
    host: str | None = None  # the Host (and Origin) the tabs send, e.g. a DNS name


async def student(
    index: int, config: LoadConfig, results: list[RunResult], counter: list[int],
    on_result, opened: list[float],
) -> None:
    """One student: open the app, then change inputs until the changes or the time run out."""
    rng = random.Random(config.seed * 1000 + index)
    group = (
        "expensive"
        if index < config.expensive
        else "attacker"
        if index < config.expensive + config.attackers
        else "normal"
    )
    inputs = Inputs(rng, group, config.distinct, counter)
    page = config.pages[index % len(config.pages)]
    values = inputs.first_values()
    deadline = time.monotonic() + config.duration
    reconnects = 0
    session: StudentSession | None = None
    # Students do not all arrive in the same millisecond.
    await asyncio.sleep(rng.uniform(0, config.arrive_within))
    try:
        for _ in range(config.changes):
            if time.monotonic() >= deadline:
                break
            if session is None:
                session = StudentSession(
                    config.base_url, page, values, config.run_timeout, host=config.host
                )
                arrived = time.perf_counter()
                try:
                    _, exceptions, _ = await session.open()
                    # First paint: from asking for the page until its first run has finished
                    # (page and health requests, WebSocket handshake, the run itself).
                    opened.append(time.perf_counter() - arrived)
                    if exceptions:
                        # A crash on the first load counts, though its time is not a change's.
                        results.append(RunResult(index, group, page, "open", None, "exception"))
                except (SessionError, ConnectionClosed, InvalidHandshake, OSError) as err:
                    results.append(RunResult(index, group, page, "open", None, _kind(err)))
                    on_result()
                    await session.close()
                    session = None
                    reconnects += 1
                    if reconnects > 3:
                        break
                    continue
            if config.think > 0:
                await asyncio.sleep(rng.uniform(0.5 * config.think, 1.5 * config.think))
            key, value = inputs.next_change(session.values)
            try:
                seconds, exceptions, alerts = await session.change(key, value)
                error = "exception" if exceptions else None
                results.append(
                    RunResult(index, group, page, f"{key}={value}", seconds, error, alerts)
                )
            except (SessionError, ConnectionClosed) as err:
                results.append(RunResult(index, group, page, f"{key}={value}", None, _kind(err)))
                # A run that never finished leaves the session in an unknown state: reconnect.
                values = dict(session.values)
                await session.close()
                session = None
                reconnects += 1
                if reconnects > 3:
                    break
            on_result()
    finally:
        if session is not None:
            await session.close()


def _kind(err: Exception) -> str:
    if isinstance(err, SessionError):
        return str(err)
    if isinstance(err, ConnectionClosed):
        return "disconnect"
    return f"connect failed ({type(err).__name__})"


# --- the whole test --------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def summarize(results: list[RunResult]) -> dict:
    times = [r.seconds for r in results if r.seconds is not None]
    errors = Counter(r.error for r in results if r.error)
    return {
        "runs": len(times),
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "max": max(times) if times else None,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "error_alerts": sum(1 for r in results if r.error_alerts),
    }


async def drive(config: LoadConfig, server_pid: int | None) -> dict:
    results: list[RunResult] = []
    opened: list[float] = []
    counter = [0]
    checkpoints: list[dict] = []
    total_planned = config.sessions * config.changes
    marks = [round(total_planned * q) for q in (0.25, 0.5, 0.75, 1.0)] if config.distinct else []

    def on_result() -> None:
        if server_pid and marks and len(results) >= marks[0]:
            marks.pop(0)
            sample = sample_processes(server_pid)
            if sample:
                checkpoints.append(
                    {"runs": len(results), "rss_main_mb": sample.rss_main / 2**20,
                     "rss_tree_mb": sample.rss_tree / 2**20}
                )

    sampler = Sampler(server_pid) if server_pid else None
    before = sample_processes(server_pid) if server_pid else None
    if sampler:
        sampler.start()
    wall_start, client_cpu_start = time.monotonic(), time.process_time()
    machine_start = machine_busy_seconds()
    tasks = [
        student(i, config, results, counter, on_result, opened) for i in range(config.sessions)
    ]
    # Every loop is bounded by its changes and its deadline; this bounds the whole in any case.
    hard_limit = config.duration + config.run_timeout * 2 + 30
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*tasks), hard_limit)
    wall = time.monotonic() - wall_start
    client_cpu = time.process_time() - client_cpu_start
    machine_cpu = machine_busy_seconds() - machine_start
    if sampler:
        sampler.stop()
    after = sample_processes(server_pid) if server_pid else None

    report: dict = {
        "config": asdict(config),
        "wall_seconds": wall,
        "runs_per_second": sum(r.seconds is not None for r in results) / wall if wall else 0,
        "first_load": {
            "opened": len(opened), "p50": percentile(opened, 50), "p95": percentile(opened, 95),
            "max": max(opened) if opened else None,
        },
        "all": summarize(results),
        "groups": {},
        "pages": {},
        "client_cpu_cores": client_cpu / wall if wall else None,
        "machine_cpu_cores": machine_cpu / wall if wall else None,
        "load_average_end": os.getloadavg()[0],
        # What the alerts said, and how often, per group: an expensive student should get
        # "too complex", an ordinary one nothing (or "server busy" when the pool is starved).
        "alerts": {
            group: Counter(
                a[:160] for r in results if r.group == group for a in r.error_alerts
            ).most_common(5)
            for group in GROUPS
        },
        "slowest": [
            {"seconds": r.seconds, "page": r.page, "change": r.change[:80]}
            for r in sorted(
                (r for r in results if r.seconds is not None), key=lambda r: -r.seconds
            )[:3]
        ],
        "rss_checkpoints": checkpoints,
    }
    for group in GROUPS:
        members = [r for r in results if r.group == group]
        if members:
            report["groups"][group] = summarize(members)
    for page in config.pages:
        members = [r for r in results if r.page == page and r.group == "normal"]
        if members:
            report["pages"][page or "/"] = summarize(members)
    if before and after and sampler:
        samples = [s for _, s in sampler.samples] + [after]
        report["server"] = {
            "pid": server_pid,
            "cpu_cores": (after.cpu_seconds - before.cpu_seconds) / wall,
            "cpu_count": os.cpu_count(),
            "rss_main_mb_start": before.rss_main / 2**20,
            "rss_main_mb_end": after.rss_main / 2**20,
            "rss_main_mb_peak": max(s.rss_main for s in samples) / 2**20,
            "rss_tree_mb_peak": max(s.rss_tree for s in samples) / 2**20,
            "processes_peak": max(s.processes for s in samples),
        }
    return report


def settle(server_pid: int, seconds: float) -> dict | None:
    """The server's CPU (cores, children included) and memory over `seconds` after the load
    ended: work still running for a student who has gone shows up here."""
    time.sleep(1.0)  # the last runs finish and the sessions close
    start = sample_processes(server_pid)
    time.sleep(seconds)
    end = sample_processes(server_pid)
    if start is None or end is None:
        return None
    return {
        "seconds": seconds,
        "cpu_cores": (end.cpu_seconds - start.cpu_seconds) / seconds,
        "rss_main_mb": end.rss_main / 2**20,
        "rss_tree_mb": end.rss_tree / 2**20,
    }


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_report(report: dict) -> None:
    c = report["config"]
    print(
        f"\n{c['sessions']} sessions ({c['expensive']} expensive, {c['attackers']} attackers"
        f"{', distinct functions' if c['distinct'] else ''}), think {c['think']:g} s, "
        f"{report['wall_seconds']:.0f} s, {report['runs_per_second']:.1f} runs/s, "
        f"sessions arriving within {c['arrive_within']:g} s"
    )
    first = report["first_load"]
    print(
        f"first paint ({first['opened']} sessions opened): p50 {_fmt(first['p50'])} s, "
        f"p95 {_fmt(first['p95'])} s, max {_fmt(first['max'])} s"
    )
    print(f"{'':18}{'runs':>6}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'errors':>8}{'alerts':>8}")
    rows = [("all", report["all"])] + list(report["groups"].items())
    rows += [(f"page {name}", s) for name, s in report["pages"].items()]
    for name, s in rows:
        print(
            f"{name:18}{s['runs']:>6}{_fmt(s['p50']):>8}{_fmt(s['p95']):>8}{_fmt(s['max']):>8}"
            f"{s['errors']:>8}{s['error_alerts']:>8}"
        )
    if report["all"]["error_kinds"]:
        print("errors:", ", ".join(f"{k} {n}" for k, n in report["all"]["error_kinds"].items()))
    server = report.get("server")
    if server:
        print(
            f"server: CPU {server['cpu_cores']:.2f} cores of {server['cpu_count']}, "
            f"RSS {server['rss_main_mb_start']:.0f} -> {server['rss_main_mb_end']:.0f} MB "
            f"(peak {server['rss_main_mb_peak']:.0f}; with {server['processes_peak'] - 1} "
            f"child processes, PSS {server['rss_tree_mb_peak']:.0f} MB)"
        )
        if "vm_hwm_mb" in server:
            print(f"server peak RSS (VmHWM): {server['vm_hwm_mb']:.0f} MB")
    settled = report.get("settled")
    if settled:
        print(
            f"after the load ({settled['seconds']:.0f} s): server CPU "
            f"{settled['cpu_cores']:.2f} cores, RSS {settled['rss_main_mb']:.0f} MB "
            f"(with children, PSS {settled['rss_tree_mb']:.0f} MB)"
        )
    for point in report["rss_checkpoints"]:
        print(
            f"  after {point['runs']:>5} runs: RSS {point['rss_main_mb']:.0f} MB "
            f"(with children, PSS {point['rss_tree_mb']:.0f} MB)"
        )
    print(
        f"load generator CPU: {report['client_cpu_cores']:.2f} cores; whole machine busy "
        f"{report['machine_cpu_cores']:.2f} cores (includes anything else running), "
        f"load average {report['load_average_end']:.1f}"
    )
    for group, alerts in report["alerts"].items():
        for text, count in alerts:
            print(f"  {group} alert x{count}: {text}")
    for slow in report["slowest"]:
        print(f"  slow: {slow['seconds']:.2f} s on /{slow['page']} after {slow['change']}")
    if report.get("server_log_errors"):
        print(
            f"server log {report['server_log']}: {report['server_log_errors']} lines with "
            f"Traceback/Error, last: {report['server_log_last_error']}"
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10, help="concurrent sessions (tabs)")
    parser.add_argument("--changes", type=int, default=1000, help="changes per session at most")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds at most")
    parser.add_argument("--expensive", type=int, default=0,
                        help="how many of the sessions send expensive functions")
    parser.add_argument("--attackers", type=int, default=0,
                        help="how many of the sessions send hostile towers (fresh each change)")
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds to watch the server's CPU and memory after the load")
    parser.add_argument("--distinct", action="store_true",
                        help="every change types a new function (w^2 + i*w): cache churn")
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean pause between changes, uniform in [0.5, 1.5] x this (0: none)")
    parser.add_argument("--page", action="append", default=None,
                        help="URL path of a page to use (repeatable; default: all pages)")
    parser.add_argument("--run-timeout", type=float, default=30.0,
                        help="a run not finished after this many seconds is an error")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="a running app, e.g. http://127.0.0.1:8501 (else start one)")
    parser.add_argument("--server-pid", type=int, help="with --url: the server's pid")
    parser.add_argument("--app", type=Path, default=None,
                        help="script to serve (default app.py; serve.py with --replicas)")
    parser.add_argument("--replicas", type=int, choices=(1, 2), default=1,
                        help="2: two servers behind nginx with deploy/nginx.conf")
    parser.add_argument("--arrive-within", type=float, default=None,
                        help="students open the app at random times within this many seconds "
                             "(default: min(2, duration/10); a classroom burst: 10)")
    parser.add_argument("--host", help="Host header (name[:port]) the tabs send, e.g. "
                                       "class.example.edu: as if reached by that DNS name")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    for name in ("sessions", "changes"):
        if not 1 <= getattr(args, name) <= 100_000:
            parser.error(f"--{name} must be between 1 and 100000")
    if not 0 <= args.expensive + args.attackers <= args.sessions:
        parser.error("--expensive plus --attackers must be between 0 and --sessions")
    if args.url and urlsplit(args.url).hostname not in ("127.0.0.1", "localhost"):
        parser.error("--url must point at 127.0.0.1 or localhost")
    if args.url and args.replicas > 1:
        parser.error("--replicas starts its own servers: leave out --url")
    if args.arrive_within is None:
        args.arrive_within = min(2.0, args.duration / 10)
    if args.app is None:
        args.app = ROOT / ("serve.py" if args.replicas > 1 else "app.py")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    server = cluster = None
    log_path = Path(tempfile.gettempdir()) / f"load_test_server_{os.getpid()}.log"
    if args.url:
        base_url = args.url.rstrip("/")
        port = urlsplit(base_url).port or 80
        server_pid = args.server_pid or pid_listening_on(port)
    elif args.replicas > 1:
        from replicas import Cluster

        workdir = Path(tempfile.mkdtemp(prefix="load_test_replicas_"))
        cluster = Cluster(workdir, args.app.resolve())
        print(f"2 replicas of {args.app.name} behind nginx, files in {workdir}", flush=True)
        base_url, server_pid = cluster.url, None  # no single server process to measure
    else:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = start_server(args.app.resolve(), port, log_path)
        server_pid = server.pid
    host = None
    if args.host:
        host = args.host if ":" in args.host else f"{args.host}:{urlsplit(base_url).port}"
    try:
        if cluster is not None:
            cluster.start()
        wait_healthy(base_url, timeout=120)
        pages = args.page or asyncio.run(discover_pages(base_url, args.run_timeout, host))
        config = LoadConfig(
            base_url, args.sessions, args.changes, args.duration, args.expensive, args.attackers,
            args.distinct, args.think, args.run_timeout, args.seed, pages, args.arrive_within, host,
        )
        report = asyncio.run(drive(config, server_pid))
        if server_pid and "server" in report:
            hwm = vm_hwm(server_pid)
            if hwm:
                report["server"]["vm_hwm_mb"] = hwm / 2**20
            report["settled"] = settle(server_pid, args.settle)
    finally:
        if server is not None:
            stop_server(server)
        if cluster is not None:
            cluster.stop()
    if server is not None:
        lines = log_path.read_text(errors="replace").splitlines()
        report["server_log_errors"] = sum("Traceback" in line or "Error" in line for line in lines)
        report["server_log"] = str(log_path)
        # The students see no details (showErrorDetails = "none"); the log has the exception.
        report["server_log_last_error"] = next(
            (line for line in reversed(lines) if line and not line[0].isspace()
             and "Error" in line), None,
        )
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0 if report["all"]["runs"] else 1


if __name__ == "__main__":
    sys.exit(main())
