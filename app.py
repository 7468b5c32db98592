"""The frame: page config, the sidebar every page shares (bound to the URL), and navigation."""

# Imported here, once, before any session thread: plotly imports pandas lazily, and two sessions
# doing that at the same moment can see a half-initialised module.
import pandas  # noqa: F401
import streamlit as st

from derivcore.bounded import warm_up
from ui.frame import favicon, session_pages
from ui.share import render_share_panel
from ui.sidebar import render_sidebar
from ui.style import apply_page_style
from ui.theme import presenting

st.set_page_config(
    page_title="Derivatives, by hand and by machine", page_icon=favicon(), layout="wide"
)
pages = st.navigation(session_pages())
warm_up()  # start the SymPy worker processes with the server, not on a student's first request
render_sidebar()
render_share_panel(pages.url_path)
apply_page_style(presentation=presenting())
pages.run()
