"""Two replicas behind a real nginx running the repository's own deploy/nginx.conf.

What a class behind the balancer depends on, checked with the dashboard reached by a DNS name
(class.example.edu, resolved to 127.0.0.1 the way a browser would after a DNS lookup): the
WebSocket upgrade is accepted, the page runs, the affinity cookie keeps a browser on its
replica across a dropped connection, and a replica that dies hands its students to the other.

Sessions speak Streamlit's WebSocket protocol through bench/load_test.py's StudentSession, as
a browser tab does. nginx comes from Debian (.ci/run installs it)."""

import asyncio
import http.cookiejar
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from load_test import StudentSession  # noqa: E402
from replicas import NGINX, Cluster  # noqa: E402

pytestmark = pytest.mark.scale_out
NAME = "class.example.edu"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: apt-get install nginx-light (.ci/run does)")
    cluster = Cluster(tmp_path_factory.mktemp("scale_out"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def tab(cluster, cookies=None, values=None) -> StudentSession:
    """A browser tab on the overview, at http://class.example.edu:<port>/ through nginx."""
    return StudentSession(
        cluster.url, "", values or {"f": "w^2", "at": "3", "eps": "0.001"}, run_timeout=30,
        host=host(cluster), cookies=cookies,
    )


def host(cluster) -> str:
    return f"{NAME}:{cluster.port}"


def has_formula(formulas: list[str], text: str) -> bool:
    return any(text in formula for formula in formulas)


def holder_of(cluster, session_id: str) -> int:
    """The replica that holds this session: asked directly for it, only that one hands it back
    (the other starts a fresh session)."""

    async def ask(port: int) -> bool:
        probe = StudentSession(f"http://127.0.0.1:{port}", "", {}, run_timeout=30)
        probe.session_id = session_id
        try:
            await probe.open(resume=True)
            return probe.session_id == session_id
        finally:
            await probe.close()

    first, second = cluster.replica_ports
    return first if asyncio.run(ask(first)) else second


def test_websocket_upgrade_by_dns_name_gets_101(cluster):
    async def handshake():
        # The page and /_stcore/health first: nginx's and Streamlit's cookies, as a browser has.
        session = tab(cluster)
        cookies = await asyncio.to_thread(session._load_page)
        ws = await connect(
            f"ws://{host(cluster)}/_stcore/stream", host="127.0.0.1", port=cluster.port,
            subprotocols=["streamlit", cookies["_streamlit_xsrf"]],
            additional_headers={
                "Origin": f"http://{host(cluster)}",
                "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            },
        )
        status = ws.response.status_code
        await ws.close()
        return status

    try:
        status = asyncio.run(handshake())
    except InvalidStatus as err:
        status = err.response.status_code
    assert status == 101


def test_the_page_runs_through_nginx_by_dns_name(cluster):
    async def student():
        session = tab(cluster, values={"f": "1/w^2", "at": "4", "eps": "1e-9"})
        try:
            _, exceptions, alerts = await session.open()
            return exceptions, alerts, session.formulas
        finally:
            await session.close()

    exceptions, alerts, formulas = asyncio.run(student())
    assert (exceptions, alerts) == (0, [])
    # The overview computed the view from the URL: J = 1/w², J' = -2/w³, J'(4) = -1/32.
    assert has_formula(formulas, r"J(w) = \frac{1}{w^{2}}")
    assert has_formula(formulas, r"- \frac{2}{w^{3}}")
    assert has_formula(formulas, r"- \frac{1}{32}")


def test_a_dropped_websocket_reconnects_to_the_same_session(cluster):
    async def browser():
        jar = http.cookiejar.CookieJar()
        session = tab(cluster, cookies=jar)
        await session.open()
        first_id = session.session_id
        await session.change("f", "sin(w)/w")
        ids = []
        for _ in range(2):  # a flaky Wi-Fi: drop and come back, twice
            await session.close()
            _, exceptions, _ = await session.open(resume=True)
            assert exceptions == 0
            ids.append(session.session_id)
        await session.close()
        return first_id, ids, session.formulas, {c.name for c in jar}

    results = [asyncio.run(browser()) for _ in range(3)]
    for first_id, ids, formulas, cookie_names in results:
        assert "dashboard_replica" in cookie_names  # nginx pinned the browser
        # Without affinity each reconnect would find the session with probability 1/2.
        assert ids == [first_id] * 2
        assert has_formula(formulas, r"J(w) = \frac{\sin{\left(w \right)}}{w}")


def test_a_dead_replica_sends_its_students_to_the_other_with_a_fresh_session(cluster):
    async def open_tab(jar, values):
        session = tab(cluster, cookies=jar, values=values)
        await session.open()
        await session.close()
        return session

    # Browsers arrive until each replica has students (nginx spreads browsers by cookie).
    browsers = []
    while len(browsers) < 16 and {h for *_, h in browsers} != set(cluster.replica_ports):
        jar = http.cookiejar.CookieJar()
        session = asyncio.run(open_tab(jar, {"f": "w^3", "at": "2", "eps": "1e-6"}))
        browsers.append((jar, session, holder_of(cluster, session.session_id)))
    assert {holder for *_, holder in browsers} == set(cluster.replica_ports)

    victim = browsers[0][2]
    cluster.kill_replica(victim)
    stranded = [(jar, s) for jar, s, holder in browsers if holder == victim]

    async def come_back(session):
        try:
            return await session.open(resume=True)
        finally:
            await session.close()

    started = time.monotonic()
    for _, session in stranded:
        old_id = session.session_id
        _, exceptions, alerts = asyncio.run(come_back(session))
        assert (exceptions, alerts) == (0, [])
        assert session.session_id != old_id  # a fresh session on the survivor
        # The student's view, from the URL and the text boxes: J = w³, J'(2) = 12.
        assert has_formula(session.formulas, "J(w) = w^{3}")
        assert has_formula(session.formulas, "J'(2) = 12")
    assert time.monotonic() - started < 30
    # The page itself (not only the WebSocket) answers through the balancer.
    request = urllib.request.Request(f"{cluster.url}/", headers={"Host": host(cluster)})
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.status == 200
