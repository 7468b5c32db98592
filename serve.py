"""The dashboard for hosting: `streamlit run serve.py` serves app.py, ready for the first student.

A plain `streamlit run app.py` runs app.py only when the first session connects, so the first
student after a (re)start waits while SymPy, pandas, plotly and our modules are imported and the
SymPy worker processes start. Streamlit's st.App imports this file when the server starts and
runs its lifespan before /_stcore/health answers, so all of that happens before the server says
it is ready: a load balancer or Kubernetes (readiness probe) sends it no student before.
"""

import asyncio
import importlib
import inspect
import pkgutil
from contextlib import asynccontextmanager

import pandas  # noqa: F401  (plotly's tables and st.dataframe)
import plotly.graph_objects
import streamlit as st
import sympy

import derivcore
import ui
from derivcore.bounded import run_bounded

# What the pages import, imported once here, before any session thread: every module of derivcore
# and ui, with what they import (a page's first run imported nbformat and jsonschema for the
# notebook button alone: 0.23 s of the first student's wait).
for _package in (derivcore, ui):
    for _module in pkgutil.iter_modules(_package.__path__, _package.__name__ + "."):
        importlib.import_module(_module.name)


def _get_ready() -> None:
    """Start the SymPy worker pool and wait until a worker answers; load what the first use of
    lambdify and of a plotly figure would otherwise load during a student's run."""
    run_bounded(abs, -1)
    # Streamlit's first element in a process asks inspect.stack() whether it runs in a REPL, and
    # inspect's first pass resolves the path of every loaded module (0.1 s): done here, it is
    # cached for the first student.
    inspect.stack()
    w = sympy.Symbol("w")
    sympy.lambdify(w, w**2, "numpy")
    plotly.graph_objects.Figure()


@asynccontextmanager
async def _start(_app):
    await asyncio.to_thread(_get_ready)  # the event loop keeps serving meanwhile
    yield


app = st.App("app.py", lifespan=_start)
