"""The frame: page config, the sidebar every page shares (bound to the URL), and navigation."""

from pathlib import Path

# Imported here, once, before any session thread: plotly imports pandas lazily, and two sessions
# doing that at the same moment can see a half-initialised module.
import pandas  # noqa: F401
import streamlit as st

from derivcore.bounded import warm_up
from ui.share import render_share_panel
from ui.sidebar import render_sidebar
from ui.style import apply_page_style
from ui.theme import presenting

# A local favicon: a Material icon would be fetched from Google's font servers, which hosted
# classrooms behind a firewall (and our CI) cannot reach.
st.set_page_config(
    page_title="Derivatives, by hand and by machine",
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
)

pages = st.navigation(
    [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/home:", default=True),
        st.Page(
            "app_pages/derivative.py",
            title="Derivative",
            icon=":material/functions:",
            url_path="derivative",
        ),
        st.Page(
            "app_pages/error.py", title="Error vs ε", icon=":material/show_chart:", url_path="error"
        ),
        st.Page("app_pages/curve.py", title="Curve", icon=":material/timeline:", url_path="curve"),
        st.Page("app_pages/lab.py", title="The lab", icon=":material/science:", url_path="lab"),
        st.Page(
            "app_pages/exercises.py",
            title="Exercises",
            icon=":material/edit_note:",
            url_path="exercises",
        ),
        st.Page(
            "app_pages/chain_rule.py",
            title="Chain rule",
            icon=":material/account_tree:",
            url_path="chain-rule",
        ),
    ]
)
warm_up()  # start the SymPy worker processes with the server, not on a student's first request
render_sidebar()
render_share_panel(pages.url_path)
apply_page_style(presentation=presenting())
pages.run()
