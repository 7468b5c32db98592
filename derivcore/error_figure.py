"""The error plot: |k − J′| against ε on log-log axes, the V of truncation and rounding, per
scheme and precision, with the model, the regimes, the best ε and where w + ε == w.

(About 380 lines and one figure: the plot's layers — measured curves, exact zeros, model, regimes,
best ε, breakdown, exact arithmetic — each need their own care on a log axis.)
"""


import numpy as np
import plotly.graph_objects as go

from derivcore.figures import (
    BLACK,
    BLUE,
    COMPACT_LINE_WIDTH,
    GREEN,
    LINE_WIDTH,
    ORANGE,
    PURPLE,
    VERMILLION,
    FigureBuilder,
)
from derivcore.plot_theme import LIGHT, PlotTheme
from derivcore.schemes import scheme_named

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
        self.width = COMPACT_LINE_WIDTH if compact else LINE_WIDTH
        self.fig = FigureBuilder(compact, theme)
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
