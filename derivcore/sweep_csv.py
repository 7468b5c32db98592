"""An error sweep as CSV, for students who want to plot or inspect the numbers themselves."""

import csv
import io

from derivcore.sweep import ErrorSweep


def sweep_to_csv(sweep: ErrorSweep) -> str:
    """One row per ε; for each scheme × dtype the estimate k, |k − J'| and the relative error."""
    pairs = [(s, d) for s in sweep.schemes for d in sweep.dtypes if not sweep.not_applicable(s, d)]
    header = ["eps"]
    columns = []
    for scheme, dtype in pairs:
        header += [
            f"k_{scheme}_{dtype}",
            f"abs_error_{scheme}_{dtype}",
            f"rel_error_{scheme}_{dtype}",
        ]
        columns += [
            sweep.estimate(scheme, dtype),
            sweep.abs_error(scheme, dtype),
            sweep.rel_error(scheme, dtype),
        ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for i, eps in enumerate(sweep.eps):
        writer.writerow([repr(float(eps))] + [repr(float(column[i])) for column in columns])
    return out.getvalue()
