"""What the frame (app.py) would otherwise rebuild on every rerun: the favicon and the pages.

Every change a student makes runs app.py from the top. Given a file path, st.set_page_config
reads the PNG and registers it with the media file manager each time, and st.Page resolves its
script's path (a system call per directory) and checks the file each time.
"""

import base64
import functools
from pathlib import Path

import streamlit as st

_ROOT = Path(__file__).resolve().parent.parent

# (script, title, icon, url_path); the first is the default page, at "/". Material icons in the
# sidebar come with Streamlit's own font, not from the network.
_PAGES = (
    ("app_pages/overview.py", "Overview", ":material/home:", None),
    ("app_pages/derivative.py", "Derivative", ":material/functions:", "derivative"),
    ("app_pages/error.py", "Error vs ε", ":material/show_chart:", "error"),
    ("app_pages/curve.py", "Curve", ":material/timeline:", "curve"),
    ("app_pages/lab.py", "The lab", ":material/science:", "lab"),
    ("app_pages/exercises.py", "Exercises", ":material/edit_note:", "exercises"),
    ("app_pages/chain_rule.py", "Chain rule", ":material/account_tree:", "chain-rule"),
)
_SESSION_KEY = "_frame_pages"


@functools.cache
def favicon() -> str:
    """assets/favicon.png as a data URL, which Streamlit hands to the browser as it is. Local, not
    a Material icon: that would be fetched from Google's font servers, which hosted classrooms
    behind a firewall (and our CI) cannot reach."""
    png = (_ROOT / "assets" / "favicon.png").read_bytes()
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def session_pages() -> list[st.Page]:
    """The app's pages, made on this session's first run and kept in its session state.

    Not shared between sessions: st.navigation marks the chosen page runnable for the current
    run (state inside the Page object), and two sessions run at the same time; one session's runs
    never overlap, so its own pages can be reused."""
    pages = st.session_state.get(_SESSION_KEY)
    if pages is None:
        pages = [
            st.Page(script, title=title, icon=icon, url_path=url_path, default=url_path is None)
            for script, title, icon, url_path in _PAGES
        ]
        st.session_state[_SESSION_KEY] = pages
    return pages
