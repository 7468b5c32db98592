"""How messages reach the student: as text (never Markdown), with a caret under the column."""

import re

import streamlit as st

# Characters wide enough for a phone (390 px) in the code font, so the caret's line never scrolls.
EXCERPT_WIDTH = 32
# What Markdown (with Streamlit's $…$ maths, :emoji: and :red[…] directives, and raw HTML) would
# read as markup in a one-line sentence: these characters anywhere, a colon that opens a
# shortcode, and a list or heading marker at the start.
_MARKUP = re.compile(r"([\\`*_\[\]<>$~|&])|:(?=[A-Za-z])|^([#>+-]|\d+\.)")


def plain(text: str) -> str:
    """`text` escaped so that st.markdown, st.error & co. show it exactly as written: 'a*b*c'
    stays 'a*b*c' instead of becoming 'a', an italic b, and 'c'."""
    return _MARKUP.sub(lambda m: "\\" + m.group(0), " ".join(text.split()))


def caret_excerpt(text: str, position: int, width: int = EXCERPT_WIDTH) -> tuple[str, int]:
    """A window of at most `width` characters of `text` around `position`, with '…' where it was
    cut, and the caret's column in that window."""
    if len(text) <= width:
        return text, position
    start = max(0, min(position - width // 2, len(text) - width))
    end = start + width
    excerpt = text[start:end]
    column = position - start
    if start > 0:
        excerpt = "…" + excerpt[1:]
    if end < len(text):
        excerpt = excerpt[:-1] + "…"
    return excerpt, column


def show_problem(message: str, kind: str = "warning") -> None:
    """A message box whose text is shown as text. `kind`: "warning", "info" or "error"."""
    getattr(st, kind)(plain(message))


def show_input_problem(label: str, text: str, message: str, position: int | None) -> None:
    """An error box that names the input, says what is wrong, and points at the column."""
    st.error(f"**{plain(label)}:** {plain(message)}", icon=":material/error:")
    if position is not None and text:
        excerpt, column = caret_excerpt(text, min(position, len(text)))
        # A code block keeps the caret aligned under the character it refers to.
        st.code(f"{excerpt}\n{' ' * column}^", language=None, wrap_lines=True)
