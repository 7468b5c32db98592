"""The look of the figures for the viewer's theme (light or dark) and presentation mode."""

import streamlit as st

from derivcore.plot_theme import PlotTheme, plot_theme

PRESENTATION_KEY = "present"  # the share panel's toggle, bound to the URL as ?present=true


def presenting() -> bool:
    """Whether the view is in presentation mode (bigger type and plots for a projector)."""
    return bool(st.session_state.get(PRESENTATION_KEY, False))


def figure_theme() -> PlotTheme:
    """The plot theme for this viewer. st.context.theme.type is what the browser reported on its
    last message; None before it has (light until then)."""
    return plot_theme(st.context.theme.type, presentation=presenting())
