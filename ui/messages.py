"""How problems with the student's input are shown: a sentence, and a caret under the column."""

import streamlit as st


def show_input_problem(label: str, text: str, message: str, position: int | None) -> None:
    """An error box that names the input, says what is wrong, and points at the column."""
    st.error(f"**{label}:** {message}", icon=":material/error:")
    if position is not None and text:
        # A code block keeps the caret aligned under the character it refers to.
        st.code(f"{text}\n{' ' * position}^", language=None)
