"""A chart's text alternative: read out by screen readers, shown to anyone who asks."""

import html

import streamlit as st

# Visually hidden but in the accessibility tree (the usual "sr-only" pattern).
_HIDDEN = (
    "position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;"
    "clip-path:inset(50%);white-space:nowrap;border:0"
)


def describe_chart(sentence: str, key: str) -> None:
    """Put `sentence` after a chart: for screen readers at once, on screen behind a toggle."""
    st.html(f'<p style="{_HIDDEN}">Chart description: {html.escape(sentence)}</p>')
    if st.toggle("Describe this chart", key=f"describe:{key}"):
        st.text(sentence)
