"""Every script in bench/ explains itself: `--help` prints its usage and exits, running nothing."""

import ast
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The scripts (bench/replicas.py is a module that load_test.py and the tests import).
SCRIPTS = sorted(
    path.name
    for path in (ROOT / "bench").glob("*.py")
    if 'if __name__ == "__main__":' in path.read_text()
)
# Importing NumPy, SymPy and Streamlit takes ~2 s of CPU per script; a benchmark's run takes
# minutes. The scripts start together, so on a busy machine they share the CPU for a while.
TIMEOUT = 120


@pytest.fixture(scope="module")
def helps() -> dict[str, tuple[int | None, str]]:
    """(exit code, stdout) of `python bench/<script> --help` for every script, all started at
    once; the code is None for a script still running after TIMEOUT seconds (then stopped)."""
    running = {
        script: subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / script), "--help"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for script in SCRIPTS
    }
    deadline = time.monotonic() + TIMEOUT
    results = {}
    for script, process in running.items():
        try:
            out, _ = process.communicate(timeout=max(0.1, deadline - time.monotonic()))
            results[script] = (process.returncode, out)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _ = process.communicate()
            results[script] = (None, out)
    return results


def test_every_script_is_found():
    # The benchmarks the README and the notes cite; a new one is picked up by the glob.
    assert {"bench_numerics.py", "bench_pages.py", "bench_prepare.py", "load_test.py"} <= set(
        SCRIPTS
    )


@pytest.mark.parametrize("script", SCRIPTS)
def test_help_prints_the_usage_and_the_docstring_and_runs_nothing(helps, script):
    code, out = helps[script]
    assert code == 0, (code, out[-500:])
    # Only argparse's help: a benchmark that started would print its table or a header.
    assert out.startswith(f"usage: {script}"), out[:500]
    summary = ast.get_docstring(ast.parse((ROOT / "bench" / script).read_text())).splitlines()[0]
    assert " ".join(summary.split()) in " ".join(out.split())
