"""Figures for the methods beyond the nudge: added to the error plot and the curve as extra
traces, so the plots' own builders (figures.py) stay as they are."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from derivcore.error_figure import DTYPE_MARKERS
from derivcore.figures import BLACK, ORANGE, SKY_BLUE
from derivcore.plot_theme import LIGHT, PlotTheme
from derivcore.taylor import TaylorExpansion

_CURVE_STYLE = {
    "richardson": {"color": SKY_BLUE, "dash": "solid"},
    "richardson_tableau": {"color": BLACK, "dash": "dot"},
}
_LINE_WIDTH = 3.0
_AD_DASH = {"float64": "longdash", "float32": "dash", "float16": "dashdot"}


def add_beyond_the_v(
    fig: go.Figure, beyond, eps: np.ndarray, theme: PlotTheme = LIGHT
) -> go.Figure:
    """Draw `beyond` (a `BeyondTheV`) on the error plot `fig` (log-log, x = ε): Richardson
    curves, automatic differentiation as horizontal lines (it has no ε), the automatic step as
    a point at its step. An error of exactly 0 cannot sit on a log axis: its line runs along the
    bottom and its name says so. The y range grows to show them all. Black lines take the
    theme's ink (white on a dark background)."""
    eps = np.asarray(eps, dtype=np.float64)
    shown = []
    for curve in beyond.curves:
        error = np.where(curve.error > 0, curve.error, np.nan)
        shown.append(error)
        symbol = DTYPE_MARKERS.get(curve.dtype)
        fig.add_scatter(
            x=eps,
            y=error,
            mode="lines+markers" if symbol else "lines",
            name=curve.label,
            line={
                **_CURVE_STYLE[curve.method],
                "color": theme.line_colour(_CURVE_STYLE[curve.method]["color"]),
                "width": _LINE_WIDTH,
            },
            **({"marker": {"symbol": symbol, "size": 9, "maxdisplayed": 14}} if symbol else {}),
            hovertemplate=f"{curve.label}<br>ε = %{{x:.3e}}<br>error = %{{y:.3e}}<extra></extra>",
        )
    for line in beyond.lines:
        if line.error > 0:
            shown.append(np.array([line.error]))
    if beyond.auto_step is not None and beyond.auto_step_error and beyond.auto_step_error > 0:
        shown.append(np.array([beyond.auto_step_error, beyond.auto_step.error_estimate]))
    lo, hi = _grown_range(fig, shown)
    for line in beyond.lines:
        exact = line.error == 0
        y = 10**lo if exact else line.error
        name = f"{line.label}: error {'0 (exact)' if exact else f'{line.error:.1e}'}"
        symbol = DTYPE_MARKERS.get(line.dtype)
        fig.add_scatter(
            x=[eps.min(), eps.max()],
            y=[y, y],
            mode="lines+markers" if symbol else "lines",
            name=name,
            # Black and thick, dashed by precision: every colour already names a scheme.
            line={
                "color": theme.line_colour(BLACK),
                "width": 5,
                "dash": _AD_DASH.get(line.dtype, "dash"),
            },
            **({"marker": {"symbol": symbol, "size": 12}} if symbol else {}),
            hovertemplate=f"{name}<br>J′ = {line.value!r}<extra></extra>",
        )
    auto = beyond.auto_step
    if auto is not None and math.isfinite(auto.value):
        error = beyond.auto_step_error
        y = error if error and error > 0 else 10**lo
        name = (
            # Two lines: on a phone one line runs off the legend's right edge.
            f"automatic step: h = {auto.step:.2g}, {auto.evaluations} evaluations,<br>"
            f"error {error:.1e} (estimated {auto.error_estimate:.1e})"
        )
        fig.add_scatter(
            x=[auto.step],
            y=[y],
            mode="markers",
            name=name,
            marker={
                "symbol": "x",
                "size": 16,
                "color": theme.line_colour(BLACK),
                "line": {"width": 2},
            },
            hovertemplate=f"{name}<br>J′ ≈ {auto.value!r}<extra></extra>",
        )
    fig.update_yaxes(range=[lo, hi])
    return fig


def _grown_range(fig: go.Figure, arrays: list[np.ndarray]) -> tuple[float, float]:
    """The plot's log10 y range widened to take every positive finite value in `arrays`."""
    lo, hi = fig.layout.yaxis.range or (-17.0, 1.0)
    values = np.concatenate([np.ravel(a) for a in arrays]) if arrays else np.array([])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size:
        lo = min(lo, math.floor(math.log10(values.min())) - 0.3)
        hi = max(hi, math.ceil(math.log10(values.max())) + 0.3)
    return float(lo), float(hi)


def add_taylor(
    fig: go.Figure, expansion: TaylorExpansion, order: int, x: np.ndarray, j: np.ndarray, var: str
) -> go.Figure:
    """Tₙ on the curve plot, with the remainder J − Tₙ shaded between the two curves (on the
    samples `x`, `j` of J). Nothing is drawn for an order that does not exist."""
    if order > expansion.highest_order:
        return fig
    taylor = expansion.polynomial(order, x)
    t = f"T{_subscript(order)}"
    # Keep the polynomial where it could be on screen: far away it runs off by powers.
    span = np.nanmax(np.abs(j[np.isfinite(j)])) if np.isfinite(j).any() else 1.0
    taylor = np.where(np.abs(taylor) <= 10 * max(span, 1.0), taylor, np.nan)
    fig.add_scatter(x=x, y=j, mode="lines", line={"width": 0}, showlegend=False, hoverinfo="skip")
    fig.add_scatter(
        x=x,
        y=taylor,
        mode="lines",
        name=f"Taylor polynomial {t}({var}); shaded: the remainder J − {t}",
        line={"color": ORANGE, "width": 3},
        fill="tonexty",
        fillcolor="rgba(230,159,0,0.25)",
        hovertemplate=f"{var} = %{{x:.6g}}<br>T = %{{y:.6g}}<extra></extra>",
    )
    return fig


def _subscript(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
