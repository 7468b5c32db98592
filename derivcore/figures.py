"""Plotly figures for the dashboard, built by pure functions so they can be unit-tested.

Readable on a projector (fonts ≥ 14 px, lines ≥ 2.5 px) and colour-blind safe: colours come from
the Okabe–Ito palette, and every distinction carried by colour is carried by line dash or marker
shape too.
"""

import numpy as np
import plotly.graph_objects as go
import sympy

from derivcore.curves import (
    default_window,
    derivative_curve,
    point_value,
    sample_curve,
    secant_line,
    secant_slope,
    tangent_line,
    tangent_slope,
)

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
_HEIGHT = 520
_COMPACT_HEIGHT = 320
_LINE = 3.5
_COMPACT_LINE = 2.5


def _fmt(value: float) -> str:
    """A number as the student would write it: up to 10 significant digits, no trailing zeros."""
    return f"{value:.10g}"


def _layout(fig: go.Figure, compact: bool, **extra) -> go.Figure:
    """Shared look. The template is "none" with the few styles set by hand: a named template such
    as plotly_white is deep-copied into every figure, which alone costs ~10 ms."""
    fig.update_layout(
        template="none",
        paper_bgcolor="white",
        plot_bgcolor="white",
        font=_COMPACT_FONT if compact else _FONT,
        height=_COMPACT_HEIGHT if compact else _HEIGHT,
        margin={"l": 70, "r": 20, "t": 30 if compact else 50, "b": 60},
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "xanchor": "left",
            "x": 0,
            "font": {"size": 12} if compact else {"size": 14},
        },
        hoverlabel={"font": {"size": 14}},
        **extra,
    )
    axis_style = {
        "showline": True,
        "linecolor": "#444444",
        "ticks": "outside",
        "gridcolor": "#E6E6E6",
        "zerolinecolor": "#AAAAAA",
        "automargin": True,
    }
    fig.update_xaxes(**axis_style)
    fig.update_yaxes(**axis_style)
    return fig


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


def _note(fig: go.Figure, text: str, row: int) -> None:
    """A sentence in the plot's top-left corner (row 0, 1, ... downwards)."""
    fig.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=0.01,
        y=0.98 - 0.09 * row,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        bgcolor="rgba(255,255,255,0.85)",
        font={"color": VERMILLION},
    )


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
    at = f"{var} = {_fmt(x0)}"
    hover = f"{var} = %{{x:.10g}}<br>J = %{{y:.10g}}<extra></extra>"

    fig = go.Figure()
    curve = sample_curve(expr, var, lo, hi, values=values)
    fig.add_scatter(
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
        fig.add_scatter(
            x=tangent.x,
            y=tangent.y,
            mode="lines",
            name=f"tangent{'' if compact else ' at ' + at}: slope J′ = {_fmt(slope)}",
            line={"color": VERMILLION, "width": width, "dash": "dash"},
            hoverinfo="skip",
        )
    secant = secant_line(expr, var, x0, eps, lo, hi, values)
    if secant is not None:
        k = secant_slope(expr, var, x0, eps, values)
        fig.add_scatter(
            x=secant.x,
            y=secant.y,
            mode="lines",
            name=f"secant{'' if compact else ' for ε = ' + _fmt(eps)}: slope k = {_fmt(k)}",
            line={"color": GREEN, "width": width, "dash": "dot"},
            hoverinfo="skip",
        )
    if np.isfinite(y0):
        fig.add_scatter(
            x=[x0],
            y=[y0],
            mode="markers",
            name=f"({var}, J({var})) at {at}",
            showlegend=not compact,
            marker={"color": BLACK, "size": 13, "symbol": "circle"},
            hovertemplate=hover,
        )
    if secant is not None:
        fig.add_scatter(
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
        notes.append(f"J is not defined anywhere on {_fmt(lo)} ≤ {var} ≤ {_fmt(hi)}")
    if not np.isfinite(y0):
        notes.append(f"J is not defined at {at}: no point, tangent or secant")
    else:
        if tangent is None:
            notes.append(f"No tangent: J is not differentiable at {at}")
        if secant is None:
            notes.append(f"No secant: J({var} + ε) is not defined for ε = {_fmt(eps)}")
    for row, text in enumerate(notes[: 1 if compact else None]):
        _note(fig, text, row)

    extra = {}
    if show_derivative:
        slopes = derivative_curve(expr, var, lo, hi, values=values)
        fig.add_scatter(
            x=slopes.x,
            y=slopes.y,
            mode="lines",
            name=f"J′({var}) (right axis)",
            line={"color": PURPLE, "width": width - 0.5, "dash": "dashdot"},
            yaxis="y2",
            hovertemplate=f"{var} = %{{x:.6g}}<br>J′ = %{{y:.6g}}<extra></extra>",
        )
        extra["yaxis2"] = {
            "title": {"text": f"J′({var})", "font": {"color": PURPLE}},
            "overlaying": "y",
            "side": "right",
            "range": _robust_range(slopes.y, []),
            "showgrid": False,
            "zeroline": False,
            "tickfont": {"color": PURPLE},
        }
    shown = [y for x, y in ((x0, y0), (x1, y1)) if lo <= x <= hi]
    fig.update_xaxes(title_text=var, range=[lo, hi])
    fig.update_yaxes(title_text=f"J({var})", range=_robust_range(curve.y, shown))
    return _layout(fig, compact, **extra)


# --- the error plot ----------------------------------------------------------------------

SCHEME_COLOURS = {
    "forward": BLUE,
    "backward": ORANGE,
    "central": GREEN,
    "five_point": VERMILLION,
    "complex_step": PURPLE,
}
SCHEME_LABELS = {
    "forward": "forward",
    "backward": "backward",
    "central": "central",
    "five_point": "five-point",
    "complex_step": "complex step",
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
    """The pieces of `error_figure`, sharing what every piece needs to know."""

    def __init__(self, sweep, kind: str, compact: bool):
        self.sweep, self.compact = sweep, compact
        self.var = sweep.var
        self.eps = np.asarray(sweep.eps, dtype=np.float64)
        self.width = _COMPACT_LINE if compact else _LINE
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
        if kind == "rel" and not all(np.isfinite(r) and r > 0 for r in references.values()):
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
        self.fig = go.Figure()

    def label(self, scheme: str, dtype: str, with_dtype: bool | None = None) -> str:
        if with_dtype is None:
            with_dtype = len(self.sweep.dtypes) > 1
        name = SCHEME_LABELS.get(scheme, scheme)
        return f"{name}, {dtype}" if with_dtype else name

    def y_range(self, extra: list[np.ndarray]) -> tuple[float, float]:
        lo, hi = _log_range([*self.errors.values(), *extra])
        if any(z.any() for z in self.zeros.values()):
            lo -= 0.5  # room along the bottom for the exact-zero triangles
        return lo, hi

    def measured(self, scheme: str, dtype: str, zero_level: float, first_zero: bool) -> bool:
        """The error curve (gaps at exact zeros and nan), and triangles for the exact zeros.
        Returns whether a zero triangle was drawn (only the first gets a legend entry)."""
        colour = SCHEME_COLOURS.get(scheme, BLACK)
        label = self.label(scheme, dtype)
        error, zero = self.errors[(scheme, dtype)], self.zeros[(scheme, dtype)]
        estimate = np.asarray(self.sweep.estimate(scheme, dtype), dtype=np.float64)
        symbol = DTYPE_MARKERS.get(dtype)
        self.fig.add_scatter(
            x=self.eps,
            y=np.where(zero | ~(error > 0), np.nan, error),
            customdata=estimate,
            mode="lines+markers" if symbol else "lines",
            name=label,
            legendgroup=f"{scheme}:{dtype}",
            line={"color": colour, "width": self.width},
            marker={"symbol": symbol, "size": 9, "maxdisplayed": _MARKERS_SHOWN} if symbol else {},
            hovertemplate=f"{label}<br>{_ERROR_HOVER}error = %{{y:.3e}}<extra></extra>",
        )
        reason = self.sweep.nan_reason(scheme, dtype)
        if reason:
            self.notes.append(f"{label}: {reason}")
        if not zero.any():
            return False
        self.fig.add_scatter(
            x=self.eps[zero],
            y=np.full(int(zero.sum()), zero_level),
            customdata=estimate[zero],
            mode="markers",
            name="error exactly 0",
            legendgroup="exact zeros",
            showlegend=first_zero,
            marker={"symbol": "triangle-down", "size": 11, "color": colour},
            hovertemplate=f"{label}<br>{_ERROR_HOVER}error exactly 0<extra></extra>",
        )
        return True

    def model(self, scheme: str, dtype: str) -> None:
        """The model's total error, dashed, where it applies (above the breakdown ε)."""
        model = self.sweep.model(scheme, dtype)
        with np.errstate(all="ignore"):
            predicted = np.asarray(model.total(self.eps), dtype=np.float64) / self.divisor[dtype]
        shown = (predicted > 0) & np.isfinite(predicted)
        if np.isfinite(model.breakdown_eps):
            shown &= self.eps > model.breakdown_eps
        if not shown.any():
            return
        label = self.label(scheme, dtype)
        self.fig.add_scatter(
            x=self.eps,
            y=np.where(shown, predicted, np.nan),
            mode="lines",
            name=f"model: {label}",
            legendgroup=f"{scheme}:{dtype}",
            showlegend=False,
            line={"color": SCHEME_COLOURS.get(scheme, BLACK), "width": 2, "dash": "dash"},
            hovertemplate=f"model, {label}<br>ε = %{{x:.3e}}<br>error ≈ %{{y:.3e}}<extra></extra>",
        )

    def best(self, scheme: str, dtype: str, show_model: bool) -> None:
        """A star at the measured best ε, an open circle at the model's."""
        colour = SCHEME_COLOURS.get(scheme, BLACK)
        label = self.label(scheme, dtype)
        marks = []
        measured = self.sweep.measured_best(scheme, dtype)
        if measured is not None:
            marks.append(("measured", "star", *measured))
        model = self.sweep.model(scheme, dtype)
        if show_model and model.best_eps is not None and model.best_error is not None:
            marks.append(("model's", "circle-open", model.best_eps, model.best_error))
        for whose, symbol, best_eps, best_error in marks:
            self.fig.add_scatter(
                x=[best_eps],
                y=[best_error / self.divisor[dtype]],
                mode="markers",
                name=f"{whose} best ε: {label}",
                legendgroup=f"{scheme}:{dtype}",
                showlegend=False,
                marker={
                    "symbol": symbol,
                    "size": 18 if symbol == "star" else 16,
                    "color": colour,
                    "line": {"width": 1.5 if symbol == "star" else 3, "color": BLACK},
                },
                hovertemplate=(
                    f"{label}: {whose} best ε = %{{x:.2e}}<br>error ≈ %{{y:.2e}}<extra></extra>"
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
            self.fig.add_scatter(
                x=self.eps,
                y=np.where(error > 0, error, np.nan),
                mode="lines",
                name=f"exact arithmetic (no rounding): {SCHEME_LABELS.get(scheme, scheme)}",
                line={"color": SCHEME_COLOURS.get(scheme, BLACK), "width": 2, "dash": "dot"},
                hovertemplate=(
                    "no floating point<br>ε = %{x:.3e}<br>error = %{y:.3e}<extra></extra>"
                ),
            )

    def breakdown(self, x_lo: float, x_hi: float) -> None:
        """Shade ε below the breakdown step, where w + ε == w and k = 0, per precision."""
        several = len({d for _, d in self.pairs}) > 1
        for dtype in dict.fromkeys(d for _, d in self.pairs):
            scheme = next(s for s, d in self.pairs if d == dtype)
            edge = self.sweep.model(scheme, dtype).breakdown_eps
            if not (np.isfinite(edge) and edge > x_lo):
                continue
            right = min(edge, x_hi)
            self.fig.add_shape(
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
            text = f"{self.var} + ε == {self.var}: k = 0" + (f" ({dtype})" if several else "")
            self.fig.add_annotation(
                text=text,
                x=float(np.log10(np.sqrt(x_lo * right))),  # annotations on log axes take log10
                y=0.5,
                xref="x",
                yref="paper",
                textangle=-90,
                showarrow=False,
                font={"size": 12 if self.compact else 14},
            )

    def regimes(self, x_lo: float, x_hi: float) -> None:
        """Label the arms of the V either side of the best ε of the first pair shown."""
        if not self.pairs:
            return
        model = self.sweep.model(*self.pairs[0])
        size = 12 if self.compact else 14
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
            left = (
                "← rounding error dominates"
                if model.rounding_coefficient > 0
                else "← flat: the rounding floor u·|J′|"
            )
            centre = float(np.log10(model.best_eps))
            labels = [
                (left, centre, "right", -12),
                ("truncation error dominates →", centre, "left", 12),
            ]
            xref = "x"
        for text, x, anchor, shift in labels:
            self.fig.add_annotation(
                text=text,
                x=x,
                y=1.0,
                xref=xref,
                yref="paper",
                yanchor="top",
                xanchor=anchor,
                xshift=shift,
                showarrow=False,
                font={"size": size},
                bgcolor="rgba(255,255,255,0.8)",
            )

    def current(self, eps: float, y_lo: float, y_hi: float) -> None:
        """The current ε as a vertical dotted line (a trace: data coordinates on log axes)."""
        self.fig.add_scatter(
            x=[eps, eps],
            y=[y_lo, y_hi],
            mode="lines",
            name=f"your ε = {eps:g}",
            line={"color": BLACK, "width": 2, "dash": "dot"},
            hovertemplate=f"your ε = {eps:g}<extra></extra>",
        )

    def key(self, show_model: bool) -> None:
        """Legend entries that say what the dashes, the star and the circle mean, once."""
        entries = [("best ε, measured", "markers", "star")]
        if show_model:
            entries += [
                ("best ε, model", "markers", "circle-open"),
                ("error model", "lines", None),
            ]
        for name, mode, symbol in entries:
            self.fig.add_scatter(
                x=[None],
                y=[None],
                mode=mode,
                name=name,
                marker={"symbol": symbol, "size": 14, "color": BLACK} if symbol else {},
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
    fewer labels.
    """
    if kind not in ("abs", "rel"):
        raise ValueError(f"kind must be 'abs' or 'rel', got {kind!r}")
    plot = _ErrorPlot(sweep, kind, compact)
    exact = plot.exact_errors() if show_exact else {}
    log_lo, log_hi = plot.y_range(list(exact.values()))
    zero_level = 10 ** (log_lo + 0.04 * (log_hi - log_lo))
    first_zero = True
    for pair in plot.pairs:
        if plot.measured(*pair, zero_level, first_zero):
            first_zero = False
        if show_model:
            plot.model(*pair)
        plot.best(*pair, show_model)
    plot.exact(exact)
    finite_eps = plot.eps[np.isfinite(plot.eps) & (plot.eps > 0)]
    x_lo, x_hi = float(finite_eps.min()), float(finite_eps.max())
    plot.breakdown(x_lo, x_hi)
    plot.regimes(x_lo, x_hi)
    if current_eps is not None and np.isfinite(current_eps) and current_eps > 0:
        plot.current(float(current_eps), 10**log_lo, 10**log_hi)
    if not compact:
        plot.key(show_model)
    for row, text in enumerate(plot.notes[: 1 if compact else 3]):
        _note(plot.fig, text, row)
    y_title = f"|k − J′({plot.var})|" + (f" / |J′({plot.var})|" if plot.kind == "rel" else "")
    fig = plot.fig
    fig.update_xaxes(
        type="log",
        title_text="step ε",
        exponentformat="power",
        range=[np.log10(x_lo), np.log10(x_hi)],
    )
    fig.update_yaxes(type="log", title_text=y_title, exponentformat="power", range=[log_lo, log_hi])
    return _layout(fig, compact)
