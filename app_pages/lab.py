"""Lab: the course lab's examples in order, Python's arithmetic next to SymPy's diff and subs,
and where the lab is wrong or misleading."""

import streamlit as st

from derivcore.lab import LAB_EXAMPLES, lab_arithmetic
from ui.lab_view import example_latex
from ui.sidebar import example_link

st.title("The lab, step by step")
st.markdown(
    "The course lab estimates the derivative by a nudge, k = (J(w+ε) − J(w))/ε, in plain "
    "Python, then asks SymPy for the exact derivative with `diff` and `subs`. Here is each of its "
    "examples as Python really runs it, next to the symbolic answer."
)

for example in LAB_EXAMPLES:
    st.header(f"In [{example.cell}]: {example.title}", anchor=example.id)
    code, symbolic = st.columns(2)
    with code:
        st.markdown("**The lab's arithmetic**")
        st.code(example.code, language=None, wrap_lines=True)
        printed = lab_arithmetic(example).printed
        st.markdown("**What Python prints**")
        st.code(printed, language=None, wrap_lines=True)
        if printed.strip() != example.lab_line:
            st.caption(f"The lab's text shows: `{example.lab_line}`")
    with symbolic:
        st.markdown("**SymPy's `diff`, then `subs`**")
        formula, at_points = example_latex(example)
        st.latex(formula)
        for line in at_points:
            st.latex(line)
        # A real link (new tab, new session): st.switch_page refuses to clear URL-bound
        # parameters, and a link is also what an instructor can share.
        st.link_button(
            "Open this example in the explorer",
            example_link(example.function, {example.var: example.point}, example.eps, example.var),
            icon=":material/open_in_new:",
        )
    st.markdown(example.shows)
    for caveat in example.caveats:
        st.warning(caveat, icon=":material/warning:")
