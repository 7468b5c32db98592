"""Long formulas at a readable size: a sum set one term per line, in a box that scrolls sideways
(reachable by keyboard) when a single term is still wider than the column.

KaTeX cannot break a display formula inside a fraction, and the overview's formula column is
about 350 px wide on a laptop and on a phone: shrinking a long derivative to fit made it
unreadable. Splitting is done on the LaTeX text at its top-level + and − (outside every brace
and every \\left…\\right pair), which is where SymPy's printer separates the terms of a sum.
"""

import html
import re

import streamlit as st

# LaTeX longer than this rarely fits the narrow column on one line (a rough proxy for width).
LONG = 100
_TOKEN = re.compile(r"\\left|\\right|[{}]| [+-] ")


def top_level_terms(latex: str) -> list[str]:
    """`latex` cut before each + or − that joins the terms of a sum at the top level; each piece
    after the first starts with its sign."""
    pieces, depth, start = [], 0, 0
    for match in _TOKEN.finditer(latex):
        token = match.group()
        if token in ("{", r"\left"):
            depth += 1
        elif token in ("}", r"\right"):
            depth -= 1
        elif depth == 0 and match.start() > 0:
            pieces.append(latex[start : match.start()])
            start = match.start() + 1
    pieces.append(latex[start:])
    return pieces


def _relation(rhs: str) -> str:
    """'=' between the sides, unless rhs starts with its own (an approximation: "\\approx 0.25")."""
    return "" if rhs.startswith((r"\approx", "=")) else "="


def stacked(lhs: str, rhs: str) -> str:
    """`lhs = rhs` with rhs's terms one per line, aligned after the equals sign."""
    first, *rest = top_level_terms(rhs)
    lines = [rf"{lhs} {_relation(rhs)}{{}} & {first}"] + [rf"& {{}}{term}" for term in rest]
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


def show_formula(lhs: str, rhs: str, label: str) -> None:
    """Display `lhs = rhs`; a long one stacked and in a sideways-scrolling box named `label` for
    screen readers (axe's scrollable-region-focusable: a scrolling box must take focus)."""
    if len(lhs) + len(rhs) <= LONG:
        st.latex(f"{lhs} {_relation(rhs)} {rhs}")
        return
    # The formula sits in Markdown with HTML: SymPy's < and > (in a Piecewise) must not read as
    # tags. A blank line around the maths lets Markdown render it inside the box.
    latex = stacked(lhs, rhs).replace("<", r"\lt ").replace(">", r"\gt ")
    st.markdown(
        f'<div class="long-formula" tabindex="0" role="region" aria-label="{html.escape(label)}">'
        f"\n\n$$\n{latex}\n$$\n\n</div>",
        unsafe_allow_html=True,
    )
