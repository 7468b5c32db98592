"""The share panel: the link of the current view, its QR code, and presentation mode."""

import streamlit as st

from derivcore.share import qr_png, view_link
from ui.link_options import explain_unusable, is_boolean
from ui.messages import plain
from ui.theme import PRESENTATION_KEY

LOCAL_BASE = "http://localhost:8501"  # when the browser has not told us its URL (tests)


def current_link(page_path: str) -> str:
    """The URL that reopens this view: the app's address, the page, every query parameter."""
    params = [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    # st.context.url is the page's address as the browser shows it, without the query.
    return view_link(st.context.url or f"{LOCAL_BASE}/{page_path}", params)


@st.cache_resource(max_entries=64, show_spinner=False)
def _qr_code(link: str) -> bytes:
    """The PNG of `link`'s QR code (bytes: immutable, so one copy serves every session)."""
    return qr_png(link)


@st.dialog("Scan to open this view", width="large")
def _large_qr_code(link: str) -> None:
    """The QR code filling a projected dialog, for the back rows."""
    # 440 px: the whole code stays on a 720 px projector without scrolling.
    st.image(_qr_code(link), alt=f"QR code of {link}", width=440, output_format="PNG")
    st.code(link, language=None, wrap_lines=True)


def render_share_panel(page_path: str) -> None:
    """In the sidebar: presentation mode (in the URL, so a projector link carries it), then the
    link and a QR code big enough to scan from the back of a lecture hall."""
    with st.sidebar:
        explain_unusable(PRESENTATION_KEY, "Presentation mode", is_boolean)
        st.toggle(
            "Presentation mode (bigger type and plots)",
            key=PRESENTATION_KEY,
            bind="query-params",
        )
        # Tracked (key + on_change): its content runs only while it is open, so the QR code is
        # not encoded on every rerun of every student (a quarter of a rerun's CPU).
        share = st.expander(
            "Share this view", icon=":material/qr_code_2:", key="share_open", on_change="rerun"
        )
        if not share.open:
            return
        with share:
            link = current_link(page_path)
            # A link, not st.code: a code block in the sidebar would be the page's last one.
            st.markdown(f"[{plain(link)}]({link})")
            st.image(
                _qr_code(link),
                caption="Scan to open this view",
                alt=f"QR code of {link}",
                width="stretch",
                output_format="PNG",
            )
            if st.button("Show the QR code large", key="qr_large"):
                _large_qr_code(link)
