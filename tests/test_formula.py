"""A long formula is split where its sum's terms meet, never inside a bracket or a fraction."""

from ui.formula import stacked, top_level_terms


def test_a_sum_is_cut_before_each_top_level_sign():
    latex = r"- 2 w + \frac{a + b}{c - d} - \left(w - 1\right) e^{w + 1}"
    assert top_level_terms(latex) == [
        "- 2 w",
        r"+ \frac{a + b}{c - d}",
        r"- \left(w - 1\right) e^{w + 1}",
    ]


def test_a_product_or_a_single_fraction_stays_whole():
    for latex in (r"\frac{w + 1}{w - 1}", r"\left(w + 1\right) \left(w - 1\right)", "w^{2}"):
        assert top_level_terms(latex) == [latex]


def test_stacked_puts_one_term_per_aligned_line():
    assert stacked("J", "a + b - c") == (
        r"\begin{aligned}J ={} & a \\ & {}+ b \\ & {}- c\end{aligned}"
    )
    # An approximation brings its own relation: no "= ≈".
    assert stacked("J", r"\approx 0.25 + x").startswith(r"\begin{aligned}J {} & \approx 0.25")
