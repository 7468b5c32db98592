"""Plotly figures for the dashboard, built by pure functions so they can be unit-tested: the
look they share (palette, fonts, `FigureBuilder`) and the curve with its tangent and secant. The
error plot is in `error_figure`.

Readable on a projector (fonts ≥ 14 px, lines ≥ 2 px) and colour-blind safe: colours come from
the Okabe–Ito palette; besides colour, the curve's parts differ by dash (tangent dashed, secant
dotted, J′ dash-dot, models dashed) and the error plot's precisions by marker shape.
"""

import textwrap

import numpy as np
import plotly.graph_objects as go
import sympy

from derivcore.curves import (
    default_window,
    derivative_curve,
    point_value,
    sample_curve,
    secant_line,
    tangent_line,
    tangent_slope,
)
from derivcore.nudge import nudge
from derivcore.number_format import number_text
from derivcore.plot_theme import LIGHT, PlotTheme

# Okabe & Ito (2008), "Color Universal Design": distinguishable with any colour-vision deficiency.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
OKABE_ITO = (BLACK, ORANGE, SKY_BLUE, GREEN, YELLOW, BLUE, VERMILLION, PURPLE)

_FONT = {"size": 16}
_COMPACT_FONT = {"size": 14}
_NOTE_FONT = {"size": 14}
_HEIGHT = 520
_COMPACT_HEIGHT = 320
MODEBAR_HEIGHT = 32  # px: plotly's toolbar, 26 px, and a gap
LINE_WIDTH = 3.5
COMPACT_LINE_WIDTH = 2.5
# The "none" template as validation resolves it (an unvalidated figure would keep the name).
_NO_TEMPLATE = {"data": {"scatter": [{"type": "scatter"}]}}


class FigureBuilder:
    """Collects traces, shapes and annotations as plain dicts and makes the Figure once.

    Each `add_scatter`/`update_layout` on a live Figure re-validates and re-copies it: building
    incrementally cost ~100 ms for the error plot, one construction ~15 ms.
    """

    def __init__(self, compact: bool, theme: PlotTheme = LIGHT):
        self.compact, self.theme = compact, theme
        self.traces: list[dict] = []
        self.shapes: list[dict] = []
        self.annotations: list[dict] = []
        self.notes: list[str] = []

    def scatter(self, **trace) -> None:
        self.traces.append({"type": "scatter", **trace})

    def shape(self, **shape) -> None:
        self.shapes.append(shape)

    def annotation(self, **annotation) -> None:
        self.annotations.append(annotation)

    def note(self, text: str) -> None:
        """A sentence under the plot (below the x-axis title), wrapped to fit; the figure grows
        to make room, so notes never cover the curves or each other."""
        self.notes += textwrap.wrap(text, 60 if self.compact else 100)

    def figure(self, xaxis: dict, yaxis: dict, **layout) -> go.Figure:
        """The Figure, with the shared look. The template is "none" with the few styles set by
        hand: a named template such as plotly_white is deep-copied into every figure (~10 ms)."""
        axis_style = {
            "showline": True,
            "linecolor": "#444444",
            "ticks": "outside",
            "gridcolor": "#E6E6E6",
            "zerolinecolor": "#AAAAAA",
            "automargin": True,
        }
        compact = self.compact
        font = _COMPACT_FONT if compact else _FONT
        note_lines = len(self.notes) * (_NOTE_FONT["size"] + 5) + (12 if self.notes else 0)
        height = (_COMPACT_HEIGHT if compact else _HEIGHT) + note_lines
        if self.notes:
            self.annotation(
                text="<br>".join(self.notes),
                xref="paper",
                yref="paper",
                x=0,
                y=0,
                xanchor="left",
                yanchor="top",
                yshift=-(2 * font["size"] + 40),  # below the tick labels and the axis title
                align="left",
                showarrow=False,
                font={**_NOTE_FONT, "color": VERMILLION},
            )
        # Unvalidated: plotly's per-property validation took half of a figure's build time on
        # every rerun; tests/test_figure_specs.py checks that every figure passes it unchanged.
        return go.Figure(
            _validate=False,
            data=self.traces,
            # The theme recolours (and for a projector enlarges) the figure for its background.
            layout=self.theme.applied(
                self.traces,
                {
                "template": _NO_TEMPLATE,
                "paper_bgcolor": "white",
                "plot_bgcolor": "white",
                "font": font,
                "height": height,
                "margin": {"l": 70, "r": 20, "t": 30 if compact else 50, "b": 60 + note_lines},
                # The legend starts a toolbar's height below the figure's top: plotly draws its
                # toolbar (modebar) there on hover, and would cover the legend's last entries.
                "legend": {
                    "orientation": "h",
                    "yref": "container",
                    "yanchor": "top",
                    "y": 1 - MODEBAR_HEIGHT / height,
                    "xanchor": "left",
                    "x": 0,
                    "font": {"size": 12} if compact else {"size": 14},
                },
                "hoverlabel": {"font": {"size": 14}},
                "xaxis": {**axis_style, **xaxis},
                "yaxis": {**axis_style, **yaxis},
                "shapes": self.shapes,
                "annotations": self.annotations,
                **layout,
            },
            ),
        )


def _robust_range(y: np.ndarray, must_show: list[float]) -> list[float] | None:
    """A y range for a curve that may shoot off to ±∞ near a pole: the whole curve where it is
    tame, else the 5–95 percentile band widened by its own width each way; always including the
    points in `must_show`; padded by 8%. None when there is nothing finite to show."""
    finite = y[np.isfinite(y)]
    shown = [v for v in must_show if np.isfinite(v)]
    if finite.size == 0 and not shown:
        return None
    if finite.size:
        p5, p95 = np.percentile(finite, [5, 95])
        band = p95 - p5
        lo = max(finite.min(), p5 - band)
        hi = min(finite.max(), p95 + band)
    else:
        lo = hi = shown[0]
    lo, hi = min([lo, *shown]), max([hi, *shown])
    pad = 0.08 * (hi - lo) if hi > lo else max(1.0, 0.5 * abs(hi))
    return [float(lo - pad), float(hi + pad)]


def curve_figure(
    expr: sympy.Expr,
    var: str,
    x0: float,
    eps: float,
    lo: float | None = None,
    hi: float | None = None,
    show_derivative: bool = False,
    values: dict | None = None,
    compact: bool = False,
    theme: PlotTheme = LIGHT,
) -> go.Figure:
    """J on [lo, hi] (default: `default_window`) with the tangent at x0 (slope J′(x0)), the secant
    through x0 and x0 + ε (slope k = (J(x0 + ε) − J(x0))/ε as the lab computes it), both points
    marked, and optionally J′ on a second y axis. Where the tangent, the secant or J(x0) does not
    exist, a note says why instead of a line."""
    x0, eps = float(x0), float(eps)
    if lo is None or hi is None:
        default_lo, default_hi = default_window(expr, var, x0, values)
        lo = default_lo if lo is None else lo
        hi = default_hi if hi is None else hi
    lo, hi = float(lo), float(hi)
    width = COMPACT_LINE_WIDTH if compact else LINE_WIDTH
    x1 = x0 + eps
    y0, y1 = point_value(expr, var, x0, values), point_value(expr, var, x1, values)
    at = f"{var} = {number_text(x0)}"
    hover = f"{var} = %{{x:.10g}}<br>J = %{{y:.10g}}<extra></extra>"

    fig = FigureBuilder(compact, theme)
    curve = sample_curve(expr, var, lo, hi, values=values)
    fig.scatter(
        x=curve.x,
        y=curve.y,
        mode="lines",
        name=f"J({var})",
        line={"color": BLUE, "width": width},
        hovertemplate=hover,
    )
    tangent = tangent_line(expr, var, x0, lo, hi, values)
    if tangent is not None:
        slope = tangent_slope(expr, var, x0, values)
        fig.scatter(
            x=tangent.x,
            y=tangent.y,
            mode="lines",
            name=f"tangent{'' if compact else ' at ' + at}: slope J′ = {number_text(slope)}",
            line={"color": VERMILLION, "width": width, "dash": "dash"},
            hoverinfo="skip",
        )
    secant = secant_line(expr, var, x0, eps, lo, hi, values)
    if secant is not None:
        k = nudge(expr, var, x0, eps, values).k
        fig.scatter(
            x=secant.x,
            y=secant.y,
            mode="lines",
            name=f"secant{'' if compact else ' for ε = ' + number_text(eps)}: "
            f"slope k = {number_text(k)}",
            line={"color": GREEN, "width": width, "dash": "dot"},
            hoverinfo="skip",
        )
    if np.isfinite(y0):
        fig.scatter(
            x=[x0],
            y=[y0],
            mode="markers",
            name=f"({var}, J({var})) at {at}",
            showlegend=not compact,
            marker={"color": BLACK, "size": 13, "symbol": "circle"},
            hovertemplate=hover,
        )
    if secant is not None:
        fig.scatter(
            x=[x1],
            y=[y1],
            mode="markers",
            name=f"({var} + ε, J({var} + ε))",
            showlegend=not compact,
            marker={"color": GREEN, "size": 13, "symbol": "diamond-open", "line": {"width": 3}},
            hovertemplate=hover,
        )

    notes = []
    if not np.isfinite(curve.y).any():
        notes.append(
            f"Nothing to draw: J is undefined, or beyond ±1e100, everywhere on "
            f"{number_text(lo)} ≤ {var} ≤ {number_text(hi)}"
        )
    if not np.isfinite(y0):
        notes.append(f"J is not defined at {at}: no point, tangent or secant")
    else:
        if tangent is None:
            notes.append(f"No tangent: J is not differentiable at {at}")
        if secant is None:
            notes.append(
                f"No secant: J({var} + ε) is not defined for ε = {number_text(eps)}"
                if eps != 0 and np.isfinite(eps)
                else f"No secant for ε = {number_text(eps)}: a secant needs two different points"
            )
    for text in notes[: 1 if compact else None]:
        fig.note(text)

    layout = {}
    if show_derivative:
        slopes = derivative_curve(expr, var, lo, hi, values=values)
        fig.scatter(
            x=slopes.x,
            y=slopes.y,
            mode="lines",
            name=f"J′({var}) (right axis)",
            line={"color": PURPLE, "width": width - 0.5, "dash": "dashdot"},
            yaxis="y2",
            hovertemplate=f"{var} = %{{x:.6g}}<br>J′ = %{{y:.6g}}<extra></extra>",
        )
        layout["yaxis2"] = {
            "title": {"text": f"J′({var})", "font": {"color": PURPLE}},
            "overlaying": "y",
            "side": "right",
            "range": _robust_range(slopes.y, []),
            "showgrid": False,
            "zeroline": False,
            "tickfont": {"color": PURPLE},
        }
    shown = [y for x, y in ((x0, y0), (x1, y1)) if lo <= x <= hi]
    return fig.figure(
        xaxis={"title": {"text": var}, "range": [lo, hi]},
        yaxis={"title": {"text": f"J({var})"}, "range": _robust_range(curve.y, shown)},
        **layout,
    )
