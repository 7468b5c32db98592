"""The floor: the smallest Streamlit page like ours, to tell Streamlit's own cost from the app's.

Three sidebar text boxes with the app's keys (f, at, ε), a heading and two three-point plotly
charts built the cheap way the app builds its figures (no validation, an empty template: plotly's
validation and its default template cost more than all the rest), nothing computed. What it
costs is what any Streamlit page of that shape pays on this machine; the benchmarks accept it in
place of app.py:

    .venv/bin/python bench/bench_rerun_cpu.py --app bench/floor_app.py --page ""
    .venv/bin/python bench/bench_first_page.py --app bench/floor_app.py
"""

import plotly.graph_objects as go
import streamlit as st

st.sidebar.text_input("J(w) =", value="w^2", key="f")
st.sidebar.text_input("Point w =", value="3", key="at")
st.sidebar.text_input("Step ε =", value="0.001", key="eps")
st.header("Floor")  # an h2, which bench_first_page waits for (as on the overview)
for y in ([1, 4, 9], [1, 2, 3]):
    trace = {"type": "scatter", "x": [1, 2, 3], "y": y}
    st.plotly_chart(go.Figure({"data": [trace], "layout": {"template": {}}}, _validate=False))
