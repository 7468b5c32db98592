"""Page-wide CSS the theme settings cannot express: long formulas wrap, presentation mode."""

import streamlit as st

# KaTeX splits a formula into one box per top-level term ("base"); inline maths may break between
# them, display maths (st.latex) is nowrap and so runs off a phone's screen. Let it break too.
_WRAP_FORMULAS = """
.katex-display > .katex, .katex-display > .katex > .katex-html { white-space: normal; }
.katex-display > .katex { max-width: 100%; }
.katex-display .base { margin: 0.2em 0; max-width: 100%; }
"""
# Everything in Streamlit is sized in rem: a larger root font enlarges text, inputs and spacing.
_PRESENTATION = "html { font-size: 22px; }"


def apply_page_style(presentation: bool = False) -> None:
    """Add the stylesheet to the page (a <style>-only st.html takes no space)."""
    css = _WRAP_FORMULAS + (_PRESENTATION if presentation else "")
    st.html(f"<style>{css}</style>")


# KaTeX cannot break inside a fraction, and the overview's formula column is about 350 px wide
# at 1366 px and on a phone: a long formula is set smaller instead of running out of the page
# (a stopgap: a long derivative in \tiny is hard to read; the derivative page shows it full
# size). Thresholds are LaTeX lengths at which the browser test's long derivative still fits.
_SIZES = ((200, r"\tiny"), (140, r"\scriptsize"), (100, r"\small"))


def fitted(latex: str) -> str:
    """`latex` in a smaller KaTeX size when it is long (a rough but safe proxy for its width)."""
    for length, size in _SIZES:
        if len(latex) > length:
            return rf"{size} {latex}"
    return latex
