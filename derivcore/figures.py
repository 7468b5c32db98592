"""Plotly figures for the dashboard, built by pure functions so they can be unit-tested.

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
from derivcore.schemes import scheme_named

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
_LINE = 3.5
_COMPACT_LINE = 2.5
# The "none" template as validation resolves it (an unvalidated figure would keep the name).
_NO_TEMPLATE = {"data": {"scatter": [{"type": "scatter"}]}}


class _Builder:
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
                "height": (_COMPACT_HEIGHT if compact else _HEIGHT) + note_lines,
                "margin": {"l": 70, "r": 20, "t": 30 if compact else 50, "b": 60 + note_lines},
                "legend": {
                    "orientation": "h",
                    "yanchor": "bottom",
                    "y": 1.02,
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
    width = _COMPACT_LINE if compact else _LINE
    x1 = x0 + eps
    y0, y1 = point_value(expr, var, x0, values), point_value(expr, var, x1, values)
    at = f"{var} = {number_text(x0)}"
    hover = f"{var} = %{{x:.10g}}<br>J = %{{y:.10g}}<extra></extra>"

    fig = _Builder(compact, theme)
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


# --- the error plot ----------------------------------------------------------------------

SCHEME_COLOURS = {
    "forward": BLUE,
    "backward": ORANGE,
    "central": GREEN,
    "five_point": VERMILLION,
    "complex_step": PURPLE,
}
# Colour tells the scheme; the marker shape tells the precision, so both survive greyscale.
DTYPE_MARKERS = {"float64": None, "float32": "square", "float16": "diamond"}
_MARKERS_SHOWN = 14
_REGIME_FILL = "rgba(0,0,0,0.07)"
_ERROR_HOVER = "ε = %{x:.3e}<br>k = %{customdata:.17g}<br>"


def _log_range(arrays: list[np.ndarray]) -> tuple[float, float]:
    """log10 bounds of the positive finite values among `arrays`, half a decade of margin."""
    values = np.concatenate([np.ravel(np.asarray(a, dtype=np.float64)) for a in arrays] or [[]])
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size == 0:
        return -17.0, 1.0
    lo, hi = float(np.log10(positive.min())), float(np.log10(positive.max()))
    return (lo - 0.5, hi + 0.5) if hi > lo else (lo - 1.0, hi + 1.0)


class _ErrorPlot:
    """The pieces of `error_figure`, sharing what every piece needs to know.

    Each plotly trace costs ~1 ms to validate and the full 5 × 3 sweep would make ~70, so points
    of one kind share a trace (stars, circles; exact zeros per scheme) and so do the model lines
    of one scheme (nan between them).
    """

    def __init__(self, sweep, kind: str, compact: bool, theme: PlotTheme = LIGHT):
        self.sweep, self.compact = sweep, compact
        self.var = sweep.var
        self.eps = np.asarray(sweep.eps, dtype=np.float64)
        self.width = _COMPACT_LINE if compact else _LINE
        self.fig = _Builder(compact, theme)
        self.notes: list[str] = []
        self.pairs = []
        for scheme in sweep.schemes:
            for dtype in sweep.dtypes:
                reason = sweep.not_applicable(scheme, dtype)
                if reason:
                    self.notes.append(f"{self.label(scheme, dtype, True)}: {reason}")
                else:
                    self.pairs.append((scheme, dtype))
        references = {d: abs(float(sweep.reference(d))) for d in sweep.dtypes}
        # (A nan reference means J′ does not exist; nan_reason says so for every pair.)
        if kind == "rel" and any(r == 0 for r in references.values()):
            self.notes.append(
                f"J′({self.var}) = 0 here, so the relative error is undefined: "
                "the absolute error is shown"
            )
            kind = "abs"
        self.kind = kind
        self.divisor = {d: references[d] if kind == "rel" else 1.0 for d in sweep.dtypes}
        error_of = sweep.rel_error if kind == "rel" else sweep.abs_error
        self.errors = {p: np.asarray(error_of(*p), dtype=np.float64) for p in self.pairs}
        self.zeros = {p: np.asarray(sweep.exact_zero(*p), dtype=bool) for p in self.pairs}

    def label(self, scheme: str, dtype: str, with_dtype: bool | None = None) -> str:
        if with_dtype is None:
            with_dtype = len(self.sweep.dtypes) > 1
        name = scheme_named(scheme).label
        return f"{name}, {dtype}" if with_dtype else name

    def y_range(self, extra: list[np.ndarray]) -> tuple[float, float]:
        lo, hi = _log_range([*self.errors.values(), *extra])
        if any(z.any() for z in self.zeros.values()):
            lo -= 0.5  # room along the bottom for the exact-zero triangles
        return lo, hi

    def measured(self) -> None:
        """One error curve per pair: gaps at exact zeros and where k is missing."""
        for scheme, dtype in self.pairs:
            label = self.label(scheme, dtype)
            error, zero = self.errors[(scheme, dtype)], self.zeros[(scheme, dtype)]
            symbol = DTYPE_MARKERS.get(dtype)
            # (Only where there are markers: an empty marker object still costs ~3 ms.)
            markers = {"marker": {"symbol": symbol, "size": 9, "maxdisplayed": _MARKERS_SHOWN}}
            self.fig.scatter(
                x=self.eps,
                y=np.where(zero | ~(error > 0), np.nan, error),
                customdata=np.asarray(self.sweep.estimate(scheme, dtype), dtype=np.float64),
                mode="lines+markers" if symbol else "lines",
                name=label,
                legendgroup=f"{scheme}:{dtype}",
                line={"color": SCHEME_COLOURS.get(scheme, BLACK), "width": self.width},
                hovertemplate=f"{label}<br>{_ERROR_HOVER}error = %{{y:.3e}}<extra></extra>",
                **(markers if symbol else {}),
            )
            reason = self.sweep.nan_reason(scheme, dtype)
            if reason:
                self.notes.append(f"{label}: {reason}")

    def exact_zeros(self, level: float) -> None:
        """Triangles along the bottom where the error is exactly 0 (a log axis has no 0); one
        trace per scheme, since a per-point colour array costs a regex match per point."""
        first = True
        for scheme in dict.fromkeys(s for s, _ in self.pairs):
            xs, ks, labels = [], [], []
            for dtype in (d for s, d in self.pairs if s == scheme):
                zero = self.zeros[(scheme, dtype)]
                xs.append(self.eps[zero])
                ks.append(np.asarray(self.sweep.estimate(scheme, dtype), dtype=np.float64)[zero])
                labels += [self.label(scheme, dtype)] * int(zero.sum())
            if not labels:
                continue
            x = np.concatenate(xs)
            self.fig.scatter(
                x=x,
                y=np.full(x.size, level),
                customdata=np.concatenate(ks),
                text=np.array(labels, dtype=object),
                mode="markers",
                name="error exactly 0",
                legendgroup="exact zeros",
                showlegend=first,
                marker={
                    "symbol": "triangle-down",
                    "size": 11,
                    "color": SCHEME_COLOURS.get(scheme, BLACK),
                },
                hovertemplate=f"%{{text}}<br>{_ERROR_HOVER}error exactly 0<extra></extra>",
            )
            first = False

    def models(self) -> None:
        """The model's total error, dashed, above the breakdown ε (below it k = 0 instead)."""
        for scheme in dict.fromkeys(s for s, _ in self.pairs):
            xs, ys = [], []
            for dtype in (d for s, d in self.pairs if s == scheme):
                model = self.sweep.model(scheme, dtype)
                with np.errstate(all="ignore"):
                    predicted = np.asarray(model.total(self.eps), dtype=np.float64)
                predicted = predicted / self.divisor[dtype]
                shown = (predicted > 0) & np.isfinite(predicted)
                if np.isfinite(model.breakdown_eps):
                    shown &= self.eps > model.breakdown_eps
                if shown.any():
                    xs += [self.eps, [np.nan]]
                    ys += [np.where(shown, predicted, np.nan), [np.nan]]
            if xs:
                name = scheme_named(scheme).label
                self.fig.scatter(
                    x=np.concatenate(xs),
                    y=np.concatenate(ys),
                    mode="lines",
                    name=f"model: {name}",
                    showlegend=False,
                    line={"color": SCHEME_COLOURS.get(scheme, BLACK), "width": 2, "dash": "dash"},
                    hovertemplate=f"model, {name}<br>ε = %{{x:.3e}}<br>error ≈ %{{y:.3e}}"
                    "<extra></extra>",
                )

    def best(self, show_model: bool, zero_level: float) -> None:
        """Stars at the measured best ε (one trace), open circles at the model's (another)."""
        stars, circles = [], []
        for scheme, dtype in self.pairs:
            measured = self.sweep.measured_best(scheme, dtype)
            if measured is not None:
                stars.append((scheme, dtype, *measured))
            model = self.sweep.model(scheme, dtype)
            if show_model and model.best_eps is not None and model.best_error is not None:
                circles.append((scheme, dtype, model.best_eps, model.best_error))
        for name, symbol, points in (
            ("best ε, measured", "star", stars),
            ("best ε, model", "circle-open", circles),
        ):
            if not points:
                continue
            errors = [error / self.divisor[d] for _, d, _, error in points]
            self.fig.scatter(
                x=[p[2] for p in points],
                # An error of exactly 0 sits with the exact-zero triangles at the bottom.
                y=[e if e > 0 else zero_level for e in errors],
                customdata=errors,
                text=[self.label(s, d) for s, d, _, _ in points],
                mode="markers",
                name=name,
                marker={
                    "symbol": symbol,
                    "size": 18 if symbol == "star" else 16,
                    "color": [SCHEME_COLOURS.get(s, BLACK) for s, *_ in points],
                    "line": {"width": 1.5, "color": BLACK} if symbol == "star" else {"width": 3},
                },
                hovertemplate=(
                    f"%{{text}}: {name}<br>ε = %{{x:.2e}}<br>error ≈ %{{customdata:.2e}}"
                    "<extra></extra>"
                ),
            )

    def exact_errors(self) -> dict[str, np.ndarray]:
        """|k − J′| of the quotient in exact arithmetic, per scheme (no dtype involved)."""
        errors = {}
        for scheme in dict.fromkeys(s for s, _ in self.pairs):
            dtype = next(d for s, d in self.pairs if s == scheme)
            error = np.asarray(self.sweep.exact_arithmetic_error(scheme), dtype=np.float64)
            errors[scheme] = error / self.divisor[dtype]
        return errors

    def exact(self, errors: dict[str, np.ndarray]) -> None:
        for scheme, error in errors.items():
            self.fig.scatter(
                x=self.eps,
                y=np.where(error > 0, error, np.nan),
                mode="lines",
                name=f"exact arithmetic (no rounding): {scheme_named(scheme).label}",
                line={"color": SCHEME_COLOURS.get(scheme, BLACK), "width": 2, "dash": "dot"},
                hovertemplate=(
                    "no floating point<br>ε = %{x:.3e}<br>error = %{y:.3e}<extra></extra>"
                ),
            )

    def breakdown(self, x_lo: float, x_hi: float) -> None:
        """Shade ε below the breakdown step, where w + ε == w, per precision, saying what k is."""
        several = len({d for _, d in self.pairs}) > 1
        for dtype in dict.fromkeys(d for _, d in self.pairs):
            scheme = next(s for s, d in self.pairs if d == dtype)
            edge = self.sweep.model(scheme, dtype).breakdown_eps
            if not (np.isfinite(edge) and edge > x_lo):
                continue
            right = min(edge, x_hi)
            self.fig.shape(
                type="rect",
                xref="x",
                yref="paper",
                x0=x_lo,
                x1=right,
                y0=0,
                y1=1,
                fillcolor=_REGIME_FILL,
                line={"width": 0},
                layer="below",
            )
            text = f"{self.var} + ε == {self.var}: {self._k_below(dtype, edge)}" + (
                f" ({dtype})" if several else ""
            )
            self.fig.annotation(
                text=text,
                x=float(np.log10(np.sqrt(x_lo * right))),  # annotations on log axes take log10
                y=0.5,
                xref="x",
                yref="paper",
                textangle=-90,
                showarrow=False,
                font={"size": 12 if self.compact else 14},
            )

    def _k_below(self, dtype: str, edge: float) -> str:
        """What the shown schemes' k really is where every stencil point rounds back to w: 0 for
        two-point formulas, a rounding residue for five-point (its weights do not cancel
        exactly), read from the computed k."""
        below = self.eps <= edge
        k = np.concatenate(
            [self.sweep.estimate(s, d)[below] for s, d in self.pairs if d == dtype]
        )
        if np.all(k == 0):
            return "k = 0"
        if not np.isfinite(k).all():
            return "k is not a number"
        return "k is rounding residue"

    def regimes(self, x_lo: float, x_hi: float) -> None:
        """Label the arms of the V either side of the best ε of the first pair shown."""
        if not self.pairs:
            return
        model = self.sweep.model(*self.pairs[0])
        if model.best_eps is None or not x_lo < model.best_eps < x_hi:
            if model.truncation_coefficient == 0:
                text = "no truncation error here: rounding error dominates at every ε"
            elif model.rounding_coefficient == 0:
                text = "no rounding growth here: truncation error dominates at every ε"
            else:
                return
            labels = [(text, 0.5, "center", 0)]
            xref = "paper"
        else:
            # The overview's plot is narrow: short labels stay inside it. Elsewhere two lines
            # each, so a projector's larger type still fits beside a best ε near an edge.
            dominates = "" if self.compact else "<br>error dominates"
            left = (
                f"← rounding{dominates}"
                if model.rounding_coefficient > 0
                else "← flat: the rounding floor u·|J′|"
            )
            centre = float(np.log10(model.best_eps))
            labels = [
                (left, centre, "right", -12),
                (f"truncation{dominates} →", centre, "left", 12),
            ]
            xref = "x"
        for text, x, anchor, shift in labels:
            self.fig.annotation(
                text=text,
                x=x,
                y=1.0,
                xref=xref,
                yref="paper",
                yanchor="top",
                xanchor=anchor,
                xshift=shift,
                showarrow=False,
                font={"size": 12 if self.compact else 14},
                bgcolor="rgba(255,255,255,0.8)",
            )

    def current(self, eps: float, y_lo: float, y_hi: float) -> None:
        """The current ε as a vertical dotted line (a trace: data coordinates on log axes)."""
        self.fig.scatter(
            x=[eps, eps],
            y=[y_lo, y_hi],
            mode="lines",
            name=f"your ε = {eps:g}",
            line={"color": BLACK, "width": 2, "dash": "dot"},
            hovertemplate=f"your ε = {eps:g}<extra></extra>",
        )

    def model_key(self) -> None:
        """One legend entry for all the dashed model lines."""
        self.fig.scatter(
            x=[None],
            y=[None],
            mode="lines",
            name="error model",
            line={"color": BLACK, "width": 2, "dash": "dash"},
            hoverinfo="skip",
        )


def error_figure(
    sweep,
    current_eps: float | None = None,
    kind: str = "abs",
    show_model: bool = True,
    show_exact: bool = False,
    compact: bool = False,
    theme: PlotTheme = LIGHT,
) -> go.Figure:
    """The error of k against the step ε on log-log axes: one line per scheme × precision
    (colour = scheme, marker shape = precision).

    Also drawn: the error model C·ε^p + R/ε (dashed), the measured best ε (star: the minimum of
    the smoothed curve, not the lucky raw minimum) and the model's best ε (open circle), the
    current ε (dotted vertical line), the regimes (truncation error dominates right of the best
    ε, rounding error left of it; shaded below the breakdown ε where w + ε == w and k = 0), exact
    zeros as triangles along the bottom (a log axis cannot show 0), and with `show_exact` the
    same quotient in exact arithmetic. `kind="rel"` divides by |J′(w)|; where J′(w) = 0 that is
    undefined, so the absolute error is shown with a note. `compact` is for the overview: lower,
    fewer labels. `theme` (derivcore.plot_theme) sets the colours for the page's background.
    """
    if kind not in ("abs", "rel"):
        raise ValueError(f"kind must be 'abs' or 'rel', got {kind!r}")
    plot = _ErrorPlot(sweep, kind, compact, theme)
    exact = plot.exact_errors() if show_exact else {}
    log_lo, log_hi = plot.y_range(list(exact.values()))
    zero_level = 10 ** (log_lo + 0.04 * (log_hi - log_lo))
    plot.measured()
    if show_model:
        plot.models()
    plot.exact(exact)
    plot.exact_zeros(zero_level)
    plot.best(show_model, zero_level)
    finite_eps = plot.eps[np.isfinite(plot.eps) & (plot.eps > 0)]
    x_lo, x_hi = float(finite_eps.min()), float(finite_eps.max())
    plot.breakdown(x_lo, x_hi)
    plot.regimes(x_lo, x_hi)
    if current_eps is not None and np.isfinite(current_eps) and current_eps > 0:
        plot.current(float(current_eps), 10**log_lo, 10**log_hi)
    if show_model and plot.pairs and not compact:
        plot.model_key()
    for text in plot.notes[: 1 if compact else 3]:
        plot.fig.note(text)
    y_title = f"|k − J′({plot.var})|" + (f" / |J′({plot.var})|" if plot.kind == "rel" else "")
    log_axis = {"type": "log", "exponentformat": "power"}
    return plot.fig.figure(
        xaxis={**log_axis, "title": {"text": "step ε"}, "range": [np.log10(x_lo), np.log10(x_hi)]},
        yaxis={**log_axis, "title": {"text": y_title}, "range": [log_lo, log_hi]},
    )
