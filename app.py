"""The frame: page config, the sidebar every page shares (bound to the URL), and navigation."""

import streamlit as st

from ui.sidebar import render_sidebar

st.set_page_config(page_title="Derivatives, by hand and by machine", page_icon="📐", layout="wide")

pages = st.navigation(
    [
        st.Page("app_pages/overview.py", title="Overview", icon="🏠", default=True),
        st.Page("app_pages/derivative.py", title="Derivative", icon=":material/functions:", url_path="derivative"),
        st.Page("app_pages/error.py", title="Error vs ε", icon="📉", url_path="error"),
        st.Page("app_pages/curve.py", title="Curve", icon="📈", url_path="curve"),
    ]
)
render_sidebar()
pages.run()
