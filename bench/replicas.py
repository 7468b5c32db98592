"""Two replicas of the dashboard behind a real nginx running the repository's deploy/nginx.conf.

Used by tests/test_scale_out.py and by `bench/load_test.py --replicas`. The config is the real
file with only its addresses changed (our port, our replicas' ports, our pid file), so what is
tested and measured is what deploy/ ships. nginx comes from Debian (apt-get install nginx-light).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from pathlib import Path

from load_test import free_port, start_server, stop_server, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_config(listen: int, replicas: tuple[int, int], pid_file: Path) -> str:
    """deploy/nginx.conf with only its addresses changed. Each substitution must match exactly
    once, so a reshaped config fails here, loudly, instead of being half rewritten."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    for pattern, new in (
        (r"listen 8080;", f"listen 127.0.0.1:{listen};"),
        (r"server 127\.0\.0\.1:8501 ", f"server 127.0.0.1:{replicas[0]} "),
        (r"server 127\.0\.0\.1:8502 ", f"server 127.0.0.1:{replicas[1]} "),
        (r"pid /tmp/dashboard-nginx\.pid;", f"pid {pid_file};"),
    ):
        text, count = re.subn(pattern, new, text)
        if count != 1:
            raise ValueError(f"deploy/nginx.conf no longer has `{pattern}` exactly once")
    return text


class Cluster:
    """Two `streamlit run <script>` replicas and nginx in front, all on 127.0.0.1; files (config,
    logs, pid) in `workdir`. By default the replicas run serve.py, as the Dockerfile does."""

    def __init__(self, workdir: Path, script: Path = ROOT / "serve.py"):
        self.workdir = workdir
        self.script = script
        self.replica_ports = (free_port(), free_port())
        self.port = free_port()
        self.replicas: dict[int, subprocess.Popen] = {}
        self.nginx: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        for n, port in enumerate(self.replica_ports):
            log = self.workdir / f"replica{n}.log"
            self.replicas[port] = start_server(self.script, port, log)
        conf = self.workdir / "nginx.conf"
        conf.write_text(nginx_config(self.port, self.replica_ports, self.workdir / "nginx.pid"))
        with open(self.workdir / "nginx.log", "wb") as log:
            self.nginx = subprocess.Popen(
                [NGINX, "-p", str(self.workdir), "-e", "stderr", "-c", str(conf),
                 "-g", "daemon off;"],
                stdout=subprocess.DEVNULL, stderr=log,
            )
        for port in self.replica_ports:
            wait_healthy(f"http://127.0.0.1:{port}", timeout=120)
        wait_healthy(self.url, timeout=10)

    def kill_replica(self, port: int) -> None:
        stop_server(self.replicas.pop(port))

    def stop(self) -> None:
        if self.nginx is not None:
            self.nginx.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.nginx.wait(timeout=10)
        for server in self.replicas.values():
            stop_server(server)
        self.replicas = {}
