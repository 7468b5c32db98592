"""Smoke test of bench/load_test.py: it starts the app, drives real sessions, and reports them."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_two_sessions_three_changes_finish_without_errors(tmp_path):
    report_path = tmp_path / "report.json"
    completed = subprocess.run(
        [
            sys.executable, str(ROOT / "bench" / "load_test.py"),
            "--sessions", "2", "--changes", "3", "--think", "0",
            "--duration", "40", "--run-timeout", "30", "--json", str(report_path),
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = json.loads(report_path.read_text())
    # Every change of both sessions became a finished run of the real app, without exceptions.
    assert report["all"]["runs"] == 6, completed.stdout
    assert report["all"]["errors"] == 0, completed.stdout
    assert report["all"]["p50"] > 0
    # Two sessions on different pages: the tool discovered the app's pages.
    assert len(report["config"]["pages"]) >= 2
    # The server's process was measured through /proc.
    assert report["server"]["rss_main_mb_peak"] > 10
    assert "p95 s" in completed.stdout
