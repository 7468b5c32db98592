"""AppTest tests of the methods beyond the nudge on the pages: what a student sees."""

import base64
import json
import math

import mpmath
import numpy as np
import pytest
from pages import code_text, latex_text, markdown_text, open_page

ALL = ["autodiff", "richardson", "richardson_tableau", "auto_step"]


def traces(at, index=0):
    spec = json.loads(at.get("plotly_chart")[index].proto.spec)
    return {t.get("name"): t for t in spec["data"]}, spec["layout"]


def values(data) -> np.ndarray:
    """A trace's numbers: plotly sends numpy arrays as base64 ("bdata"), lists as JSON."""
    if isinstance(data, dict):
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).astype(float)
    return np.array(data, dtype=float)


def infos(at):
    return " ".join(m.value for m in [*at.info, *at.warning])


def error_page(methods, dtypes=("float64",), schemes=("forward",), **query):
    at = open_page("error", **query)
    at.multiselect(key="schemes").set_value(list(schemes)).run()
    at.multiselect(key="dtypes").set_value(list(dtypes)).run()
    at.multiselect(key="beyond").set_value(methods).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_error_page_draws_every_method_beyond_the_v():
    at = error_page(ALL, schemes=("central",), f="sin(w)", at="1")
    named, layout = traces(at)
    exact = float(mpmath.cos(1))
    (ad,) = [t for n, t in named.items() if n and n.startswith("automatic differentiation")]
    # Backprop is one number: a flat line, within a few ulps of cos(1).
    assert ad["y"][0] == ad["y"][1] and ad["y"][0] <= 4 * 2**-53 * exact
    central = values(named["central"]["y"])
    richardson = values(named["Richardson from ε and ε/2, float64"]["y"])
    tableau = values(named["Richardson tableau on ε … ε/8, float64"]["y"])
    # The V moves down: the extrapolations reach errors the central difference never does.
    assert np.nanmin(richardson) < np.nanmin(central) / 10
    assert np.nanmin(tableau) <= np.nanmin(richardson)
    (auto,) = [t for n, t in named.items() if n and n.startswith("automatic step")]
    assert auto["y"][0] < 1e-14
    assert layout["yaxis"]["range"][0] <= math.log10(auto["y"][0])
    assert "Richardson's tableau" in " ".join(c.value for c in at.caption)
    assert "one backward pass" in markdown_text(at)


def test_float16_overflow_in_backprop_is_named():
    at = error_page(["autodiff"], dtypes=("float64", "float16"), f="sqrt(w^2 + 1)", at="300")
    named, _ = traces(at)
    (line16,) = [
        t
        for n, t in named.items()
        if n and n.startswith("automatic differentiation (backprop), float16")
    ]
    # float16 backprop returns 0 instead of 300/√90001 ≈ 0.99999: the error is J′ itself.
    assert line16["y"][0] == pytest.approx(300 / math.sqrt(90001), rel=1e-3)
    assert "overflows" in infos(at)


def test_backprop_at_a_kink_says_it_does_not_apply():
    at = error_page(["autodiff"], f="abs(w)", at="0")
    assert "Automatic differentiation does not apply here" in infos(at)
    named, _ = traces(at)
    assert not [n for n in named if n and n.startswith("automatic differentiation")]


def test_error_page_says_when_backprop_is_not_exact():
    # sin(w)/w at 1e-8: J′ = cos(w)/w − sin(w)/w² ≈ −3.33e-9 (mpmath), float64 backprop gives 0
    # (1e8 − 1e8): the text must not claim rounding of about u·|J′|.
    with mpmath.workdps(50):
        w_ = mpmath.mpf(1e-8)
        slope = mpmath.cos(w_) / w_ - mpmath.sin(w_) / w_**2
    at = error_page(["autodiff"], f="sin(w)/w", at="1e-8")
    named, _ = traces(at)
    (line,) = [t for n, t in named.items() if n and n.startswith("automatic differentiation")]
    assert line["y"][0] == pytest.approx(float(abs(slope)), rel=1e-6)  # backprop is 0
    assert "Automatic differentiation, float64: Not exact" in infos(at)
    assert "Cancellation in the backward pass" in infos(at)
    assert "what is left is rounding" not in markdown_text(at)
    assert "exact to rounding" not in markdown_text(at)


def test_error_page_runs_backprop_at_the_float_point_of_pi_over_2():
    # tan at the float x = 1.5707963267948966: J = 1.633e16 is finite (mpmath), J′ = 1/cos²(x)
    # ≈ 2.67e32, and float64 backprop gets it up to rounding.
    x = mpmath.mpf(1.5707963267948966)
    assert float(mpmath.tan(x)) == pytest.approx(1.633123935319537e16, rel=1e-12)
    at = error_page(["autodiff"], f="tan(w)", at="pi/2")
    assert "too large for a float64" not in infos(at)
    assert "Automatic differentiation, float64: Exact up to rounding" in infos(at)
    named, _ = traces(at)
    (line,) = [t for n, t in named.items() if n and n.startswith("automatic differentiation")]
    assert line["y"][0] <= 16 * 2**-53 * float(1 / mpmath.cos(x) ** 2)


def test_overview_shows_backprop_next_to_the_nudge():
    at = open_page("overview")
    code = code_text(at)
    assert "dJ/dw = 6   (no ε" in code  # 2w at 3, exact in float64
    assert "|backprop - J'(3)| = 0" in code
    assert len(at.get("download_button")) == 1


def test_overview_does_not_call_backprop_exact_where_it_is_not():
    # σ′(40) = e⁻⁴⁰/(1 + e⁻⁴⁰)² ≈ 4.25e-18 (mpmath); float64 backprop gives 0: a 100 % error.
    expected = mpmath.exp(-40) / (1 + mpmath.exp(-40)) ** 2
    code = code_text(open_page("overview", f="sigmoid(w)", at="40"))
    assert "dJ/dw = 0   (no ε)" in code
    assert f"|backprop - J'(40)| = {float(expected):.3g}" in code
    assert "Not exact" in code and "exact up to rounding" not in code.lower()


def test_overview_judges_k_and_backprop_at_the_float_point_it_labels():
    # At the float x = 1.5707963267948966 of π/2, J′ = cos(x) ≈ 6.12e-17 (mpmath): float64
    # backprop gives exactly that, the nudge's k = 0 at ε = 1e-8 is off by it.
    x = 1.5707963267948966
    slope = float(mpmath.cos(mpmath.mpf(x)))
    code = code_text(open_page("overview", f="sin(w)", at="pi/2", eps="1e-8"))
    assert f"dJ/dw = {slope!r}   (no ε)" in code
    assert f"|backprop - J'({x!r})| = 0   (J′ at this float)" in code
    assert f"|k - J'({x!r})| = {slope:.3g}" in code
    assert "Exact up to rounding" in code


def test_overview_backprop_at_a_kink_explains_why_not():
    at = open_page("overview", f="relu(w)", at="0")
    assert "No backprop here" in infos(at)


def test_chain_rule_gradient_check_uses_the_sidebars_eps():
    at = open_page("chain-rule", f="sin(w)", at="1", eps="0.1")
    row = at.dataframe[-1].value.iloc[0]
    # D(ε) = (sin(1+ε) − sin(1−ε))/2ε = cos(1)·sin(ε)/ε; D's truncation estimate
    # |D(0.1) − D(0.2)|/3, doubled, is E (rounding ~1e-15 is negligible at this ε).
    with mpmath.workdps(50):
        d1, d2 = (mpmath.cos(1) * mpmath.sin(e) / e for e in (mpmath.mpf("0.1"), mpmath.mpf("0.2")))
        expected = 2 * abs(d1 - d2) / 3
    assert float(row["D's own error E"]) == pytest.approx(float(expected), rel=0.05)
    assert row["passes"] == f"yes, to ±{float(expected):.1e}"
    at = open_page("chain-rule", f="sin(w)", at="1", eps="1e-5")
    assert at.dataframe[-1].value.iloc[0]["passes"] == "yes"
    assert len(at.get("download_button")) == 1


def test_chain_rule_gradient_check_passes_a_zero_gradient():
    # w³ at 0, ε = 1e-3 (by hand): g = 0, D = ε² = 1e-6, which is D's own truncation error.
    row = open_page("chain-rule", f="w^3", at="0", eps="1e-3").dataframe[-1].value.iloc[0]
    assert row["∂J/∂variable (exact)"] == "0.0"
    assert float(row["central difference D"]) == pytest.approx(1e-6, rel=1e-9)
    assert row["passes"].startswith("yes")


def test_chain_rule_gradient_check_says_when_it_cannot_tell():
    # σ′(40) ≈ 4.25e-18 (mpmath): D = 0 with a rounding error of about 1e-13 at ε = 1e-3.
    row = open_page("chain-rule", f="sigmoid(w)", at="40", eps="1e-3").dataframe[-1].value.iloc[0]
    exact = float(mpmath.exp(-40) / (1 + mpmath.exp(-40)) ** 2)
    assert float(row["∂J/∂variable (exact)"]) == pytest.approx(exact, rel=1e-15)
    assert row["float64 backprop"] == "0.0"  # σ·(1 − σ) with σ rounded to 1
    assert row["passes"].startswith("cannot tell")


def test_chain_rule_labels_exact_and_float64_backprop_and_never_shows_minus_zero():
    # J′ = cos: 0 at the exact π/2, cos(1.5707963267948966) ≈ 6.12e-17 (mpmath) at its float.
    at = open_page("chain-rule", f="sin(w)", at="pi/2", eps="1e-6")
    row = at.dataframe[-1].value.iloc[0]
    assert row["∂J/∂variable (exact)"] == "0.0"
    assert row["float64 backprop"] == repr(float(mpmath.cos(mpmath.mpf(1.5707963267948966))))
    assert "-0.0" not in code_text(at)
    assert "-0.0" not in " ".join(str(v) for v in row.values)


def test_curve_page_taylor_view():
    at = open_page("curve", f="exp(w)", at="0")
    at.radio(key="taylor_order").set_value("2").run()
    assert not at.exception
    latex = latex_text(at)
    assert r"T_{2}(w) = 1 + 1\,w + 0.5\,w^{2}" in latex
    named, _ = traces(at)
    (taylor,) = [t for n, t in named.items() if n and n.startswith("Taylor polynomial T₂")]
    assert taylor["fill"] == "tonexty"
    assert "C = J″/2 = 0.5" in markdown_text(at)


def test_curve_page_says_where_the_taylor_polynomial_does_not_exist():
    at = open_page("curve", f="w*abs(w)", at="0")
    at.radio(key="taylor_order").set_value("3").run()
    assert "From order 2 on there is no Taylor polynomial" in infos(at)
    at.radio(key="taylor_order").set_value("1").run()
    assert "T_{1}(w)" in latex_text(at)


def test_error_page_offers_the_notebook():
    at = error_page(["richardson"], f="w^2", at="3")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download as a Jupyter notebook" in labels


def test_richardson_across_a_pole_is_cut_and_said():
    # 1/w at 0.01: a central difference with ε ≥ 0.01 straddles the pole at 0.
    at = error_page(["richardson"], f="1/w", at="0.01")
    assert "reach across a pole" in infos(at) and "w ≈ 0" in infos(at)
    named, _ = traces(at)
    (curve,) = [t for n, t in named.items() if n and n.startswith("Richardson")]
    eps, error = values(curve["x"]), values(curve["y"])
    assert np.isnan(error[eps > 0.011]).all()
    assert np.nanmin(error) < 1e-10  # J′ = −1e4: the V's bottom, well inside the pole's reach


def test_richardson_across_tans_pole_is_found_from_js_own_numbers():
    # tan at 1.57: the pole at π/2 is 0.000796 away (mpmath), far inside ±1 of the point.
    at = error_page(["richardson"], f="tan(w)", at="1.57")
    distance = float(mpmath.pi / 2 - mpmath.mpf(1.57))
    assert "reach across a pole" in infos(at) and "w ≈ 1.57" in infos(at)
    named, _ = traces(at)
    (curve,) = [t for n, t in named.items() if n and n.startswith("Richardson")]
    eps, error = values(curve["x"]), values(curve["y"])
    assert np.isnan(error[eps > distance * 1.1]).all()
    assert np.isfinite(error[eps < distance / 1.1]).any()


def test_richardson_leaving_the_domain_says_so():
    # sqrt at 0.001: steps beyond 0.001 reach w < 0, where √w has no real value.
    at = error_page(["richardson"], f="sqrt(w)", at="0.001")
    assert "leave J's domain" in infos(at)


def test_overview_backprop_at_zero():
    at = open_page("overview", f="w^2", at="0")
    assert "dJ/dw = 0   (no ε" in code_text(at)
