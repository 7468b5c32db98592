"""Showing a derivation rule by rule (the derivative page and the exercises' hints)."""

import streamlit as st


def show_steps(steps, count: int | None = None) -> None:
    """The first `count` steps (all by default): the rule's explanation, then its equation.

    Nested rules are indented with em spaces: leading ASCII spaces would turn the text into a
    Markdown code block."""
    for step in steps[:count]:
        st.markdown(f"{chr(0x2003) * 2 * step.depth}• {step.explanation}")
        st.latex(step.latex)
