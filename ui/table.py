"""Tables of text: every table the pages show is a short list of rows of strings."""

import pyarrow
import streamlit as st


def show_table(rows: list[dict[str, str]]) -> None:
    """`rows` as a read-only table without an index column.

    Handed to st.dataframe as an Arrow table (pyarrow comes with Streamlit), which it sends as
    it is; a list of dicts would first become a pandas DataFrame and then be converted to Arrow,
    which was an eighth of a rerun's processor time on the derivative page (py-spy)."""
    st.dataframe(pyarrow.Table.from_pylist(rows), hide_index=True)
