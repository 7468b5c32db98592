"""The error page's table of best steps: true cells, one measured best shared with the star and
the chart's description, and notes where a cell is "—" or the plot shows something lower.
Expected values come from numpy sweeps of the formula, mpmath at 50 digits or hand calculation."""

import re

import mpmath
import numpy as np
import pytest

from derivcore import parse
from derivcore.best_eps_table import MEASURED_CAPTION, MEASURED_EPS, MEASURED_ERROR, best_eps_table
from derivcore.chart_text import describe_error_chart
from derivcore.error_figure import error_figure
from derivcore.sweep import default_eps_grid, error_sweep

GRID = np.logspace(-20, 0, 400)
HALF_PI = float(np.pi / 2)


def table(text, x, schemes=("forward",)):
    sweep = error_sweep(parse(text), "w", x, default_eps_grid(), schemes, ("float64",))
    return sweep, *best_eps_table(sweep, "w")


def test_an_undefined_point_shows_a_dash_with_the_reason_never_nan():
    # log at −1: J is not defined (by hand), so there is no w + ε == w to state.
    _, rows, notes = table("log(w)", -1.0, ("forward", "central"))
    cells = [value for row in rows for value in row.values()]
    assert not [c for c in cells if "nan" in c.lower()]
    assert all(row["w + ε == w below"] == "—" for row in rows)
    assert "forward, float64: — J is not defined at w = -1.0." in notes


def test_a_model_error_of_exactly_zero_reads_0_and_the_plateau_is_named():
    # cos at 0: J′ = −sin 0 = 0 (by hand), so the model's smallest error is 0, not "—".
    sweep, rows, notes = table("cos(w)", 0.0)
    assert rows[0]["|k − J′| there (model)"] == "0"
    # numpy: k = (cos ε − 1)/ε is exactly 0 for ε up to this edge (cos ε rounds to 1)
    with np.errstate(all="ignore"):
        k = (np.cos(GRID) - 1.0) / GRID
    edge = GRID[np.flatnonzero(k != 0).min() - 1]
    assert np.all(k[np.less_equal(GRID, edge)] == 0)
    assert f"forward, float64: for ε ≤ {edge:.3g}, k = 0 exactly, with J′ = 0 exactly" in (
        " ".join(notes)
    )


def test_where_k_is_0_below_the_star_the_table_says_so():
    # sin at π/2 in float64: J′ = cos(float(π/2)) ≈ 6.1e-17 (mpmath); k = 0 below ε ≈ 1e-8
    # has exactly that error, far below the star on the V (about 1e-8).
    sweep, rows, notes = table("sin(w)", HALF_PI)
    with mpmath.workdps(50):
        floor = float(mpmath.cos(mpmath.mpf(HALF_PI)))
    with np.errstate(all="ignore"):
        k = (np.sin(HALF_PI + GRID) - np.sin(HALF_PI)) / GRID
    assert np.all(k[GRID < 1e-8] == 0)
    note = next(n for n in notes if n.startswith("forward, float64: for ε ≤"))
    assert f"the error |J′| = {floor:.2g}, below the ★" in note
    assert float(rows[0][MEASURED_ERROR]) > 1e6 * floor  # the star really is higher


def test_no_star_where_k_is_0_at_every_step_and_the_table_says_why():
    # sigmoid at 40: σ(40 + ε) and σ(40) both round to 1.0 for every ε ≤ 1 (numpy), so k = 0
    # and the error is σ′(40) ≈ 4.2e-18 (mpmath) at every ε.
    assert np.all(1 / (1 + np.exp(-(40.0 + GRID))) == 1 / (1 + np.exp(-40.0)))
    with mpmath.workdps(50):
        slope = float(mpmath.exp(-40) / (1 + mpmath.exp(-40)) ** 2)
    _, rows, notes = table("sigmoid(w)", 40.0)
    assert rows[0][MEASURED_EPS] == "—"
    expected = f"no ★: k = 0 at every step, so no step measures J′; the error is |J′| = {slope:.2g}"
    assert expected in " ".join(notes)


def running_median_best(eps, error, k):
    """An independent reading of the caption: the running median of log10|k − J′| over ±½
    decade of ε, on steps where k ≠ 0; the (ε, error) where it is smallest."""
    on_v = np.isfinite(k) & (k != 0) & np.isfinite(error)
    log_eps = np.log10(eps)
    with np.errstate(divide="ignore"):
        log_error = np.log10(error)
    medians = np.full(eps.shape, np.inf)
    for i in np.flatnonzero(on_v):
        near = on_v & (np.abs(log_eps - log_eps[i]) <= 0.5 + 1e-12)
        medians[i] = np.median(log_error[near])
    best = int(np.argmin(medians))
    return eps[best], 10 ** medians[best]


@pytest.mark.parametrize(("text", "x"), [("w^2", 3.0), ("log(w)", 1e-3), ("exp(w)", 1.0)])
def test_one_measured_best_in_the_table_the_star_and_the_description(text, x):
    sweep, rows, notes = table(text, x)
    # w² at 3 as Python computes it (float ** is C's pow, as in the lab): against J′ = 6
    k = sweep.estimate("forward", "float64")
    error = sweep.abs_error("forward", "float64")
    if text == "w^2":
        np.testing.assert_array_equal(k, [((3.0 + e) ** 2 - 9.0) / e for e in GRID.tolist()])
        np.testing.assert_array_equal(error, np.abs(k - 6.0))
    best_eps, best_error = running_median_best(sweep.eps, error, k)
    assert rows[0][MEASURED_EPS] == f"{best_eps:.2g}"
    assert rows[0][MEASURED_ERROR] == f"{best_error:.2g}"
    assert "running median over ±½ decade" in MEASURED_CAPTION and MEASURED_CAPTION in notes
    # the star on the plot
    star = next(t for t in error_figure(sweep).data if t.name == "best ε, measured")
    assert (star.x[0], star.customdata[0]) == pytest.approx((best_eps, best_error), rel=1e-9)
    # the description names the same point, next to the curve's own (raw) smallest value
    found = re.search(r"the ★, smoothed over ±½ decade of ε: about (\S+) at ε = ([^)]+)\)",
                      describe_error_chart(sweep))
    assert found
    assert float(found.group(1)) == pytest.approx(best_error, rel=0.5)
    assert float(found.group(2)) == pytest.approx(best_eps, rel=0.5)
    # never above what the curve itself shows near its raw minimum by more than the median
    raw = int(np.nanargmin(np.where(k != 0, error, np.nan)))
    near = (k != 0) & (np.abs(np.log10(GRID) - np.log10(GRID[raw])) <= 0.5)
    assert best_error <= np.median(error[near]) * (1 + 1e-12)


def test_the_table_says_its_errors_are_absolute_in_relative_mode():
    # w² at 3: the relative plot divides by |J′| = 6; the table's errors stay |k − J′|.
    sweep, rows, notes = table("w^2", 3.0)
    star = next(t for t in error_figure(sweep, kind="rel").data if t.name == "best ε, measured")
    assert float(rows[0][MEASURED_ERROR]) == pytest.approx(6 * star.customdata[0], rel=0.05)
    assert "|k − J′|" in MEASURED_ERROR and "Errors in this table are absolute" in notes[0]


def test_the_error_page_shows_the_table_with_its_notes():
    from pages import open_page  # loads Streamlit, which the other tests here do not need

    at = open_page("error", f="log(w)", at="-1")
    table = at.dataframe[0].value
    assert not table.astype(str).apply(lambda column: column.str.contains("nan")).any().any()
    assert table.iloc[0]["w + ε == w below"] == "—"
    captions = [c.value for c in at.caption]
    assert "forward, float64: — J is not defined at w = -1.0." in captions
    at = open_page("error", f="sin(w)", at="pi/2", error_kind="relative error")
    assert at.radio(key="error_kind").value == "rel"  # the plot shows |k − J′|/|J′|
    assert MEASURED_ERROR in at.dataframe[0].value.columns and MEASURED_CAPTION in [
        c.value for c in at.caption
    ]
    assert any("below the ★" in c.value for c in at.caption)
    assert not at.exception
