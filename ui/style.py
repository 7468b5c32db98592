"""Page-wide CSS the theme settings cannot express: long formulas wrap or scroll, presentation
mode."""

import streamlit as st

# KaTeX splits a formula into one box per top-level term ("base"); inline maths may break between
# them, display maths (st.latex) is nowrap and so runs off a phone's screen. Let it break too.
_WRAP_FORMULAS = """
.katex-display > .katex, .katex-display > .katex > .katex-html { white-space: normal; }
.katex-display > .katex { max-width: 100%; }
.katex-display .base { margin: 0.2em 0; max-width: 100%; }
"""
# ui.formula's box for a long formula: it scrolls sideways instead of wrapping or shrinking.
_LONG_FORMULAS = """
.long-formula { overflow-x: auto; overflow-y: hidden; max-width: 100%; }
.long-formula .katex-display { overflow: visible; }
.long-formula .katex-display > .katex { max-width: none; }
.long-formula:focus-visible { outline: 2px solid currentColor; outline-offset: 2px; }
"""
# On a phone a plot's legend wraps across the plot's whole width, where plotly draws its toolbar
# on top of it: there the toolbar goes (pinch to zoom and double tap to reset still work).
_PHONE_PLOTS = "@media (max-width: 640px) { .js-plotly-plot .modebar-container { display: none; } }"
# Streamlit cuts a widget's label, a multiselect's chips and a button's label with "…" when they
# do not fit their column (the error page's options beside its plot, the chain rule's presets,
# more so in presentation type): wrap them onto more lines instead, so "float32" never reads
# "floa…".
_WRAP_LABELS = """
[data-testid="stWidgetLabel"] [data-testid="stMarkdownContainer"] {
  white-space: normal; overflow: visible;
}
[data-testid="stMultiSelectTagsContainer"] {
  flex-wrap: wrap; mask-image: none; -webkit-mask-image: none;
}
[data-testid="stMultiSelect"] div:has(> [data-testid="stMultiSelectTagsContainer"]) {
  max-height: none;
}
[data-testid="stButton"] button [data-testid="stMarkdownContainer"],
[data-testid="stButton"] button [data-testid="stMarkdownContainer"] p {
  white-space: normal; overflow: visible; text-overflow: clip;
}
"""
# ui.printout's block: st.code's look (monospace, a tinted box) in either theme, wrapping lines.
_PRINTOUT = """
.printout {
  font-family: "Source Code Pro", monospace; font-size: 0.875rem; line-height: 1.6;
  margin: 0 0 1rem; padding: 0.75rem 1rem; border-radius: 0.5rem;
  background: rgba(128, 128, 128, 0.12); color: inherit;
  white-space: pre-wrap; overflow-wrap: anywhere;
}
"""
# Everything in Streamlit is sized in rem: a larger root font enlarges text, inputs and spacing.
_PRESENTATION = "html { font-size: 22px; }"


def apply_page_style(presentation: bool = False) -> None:
    """Add the stylesheet to the page (a <style>-only st.html takes no space)."""
    css = _WRAP_FORMULAS + _LONG_FORMULAS + _WRAP_LABELS + _PHONE_PLOTS + _PRINTOUT
    css += _PRESENTATION if presentation else ""
    st.html(f"<style>{css}</style>")
