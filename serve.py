"""The dashboard for hosting: `streamlit run serve.py` serves app.py, ready for the first student.

A plain `streamlit run app.py` runs app.py only when the first session connects, so the first
student after a (re)start waits while SymPy, pandas, plotly and our modules are imported and the
SymPy worker processes start. Streamlit's st.App imports this file when the server starts and
runs its lifespan before /_stcore/health answers, so all of that happens before the server says
it is ready: a load balancer or Kubernetes (readiness probe) sends it no student before.
"""

import asyncio
from contextlib import asynccontextmanager

import pandas  # noqa: F401  (plotly's tables and st.dataframe)
import plotly.graph_objects
import streamlit as st
import sympy

# What the first run of the pages imports: imported once here, before any session thread.
import derivcore.figures  # noqa: F401  (plotly, numpy)
import ui.cache  # noqa: F401  (sympy, derivcore)
import ui.sidebar  # noqa: F401
from derivcore.bounded import run_bounded


def _get_ready() -> None:
    """Start the SymPy worker pool and wait until a worker answers; load what the first use of
    lambdify and of a plotly figure would otherwise load during a student's run."""
    run_bounded(abs, -1)
    w = sympy.Symbol("w")
    sympy.lambdify(w, w**2, "numpy")
    plotly.graph_objects.Figure()


@asynccontextmanager
async def _start(_app):
    await asyncio.to_thread(_get_ready)  # the event loop keeps serving meanwhile
    yield


app = st.App("app.py", lifespan=_start)
