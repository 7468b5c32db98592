"""Lines as Python prints them (the lab's nudge, backprop's numbers), in a monospace block.

Not st.code: the first code block on a page makes the browser fetch and run Streamlit's syntax
highlighter, 1.5 MB of JavaScript (0.24 s of main-thread time in headless Chromium on a 2-core
server), and the overview, the first page every student opens, has nothing to highlight. A <pre>
through st.html (sanitised by the browser's DOMPurify) draws the same characters.
"""

import html

import streamlit as st


def show_printout(lines: list[str]) -> None:
    """`lines` one under the other, monospaced; long lines wrap (a phone's column is narrow)."""
    text = html.escape("\n".join(lines))
    st.html(f'<pre class="printout">{text}</pre>')
