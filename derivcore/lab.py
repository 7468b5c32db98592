"""The course lab's examples as data, with the lab's own printed numbers and where it misleads.

The lab estimates J′(w) by the nudge k = (J(w + ε) − J(w))/ε, written out in plain Python floats,
and compares it with SymPy's `diff` followed by `subs`. `LAB_EXAMPLES` lists its examples in
order; `lab_arithmetic` redoes each cell's arithmetic exactly as the lab writes it, so the page can
show what Python really prints next to what the lab's text says.
"""

from collections.abc import Callable
from dataclasses import dataclass

from derivcore.nudge import Nudge, nudged

# Each cell's J as the lab writes it in Python: the same operations in the same order, so the
# floats are bit for bit the lab's (1/w**2 is not the same float as w**-2, for instance).
_LAB_FORMULAS: dict[str, Callable[[float], float]] = {
    "w^2": lambda w: w**2,  # the lab: J = (3)**2; J_epsilon = (3 + 0.001)**2
    "2*w": lambda w: 2 * w,  # J = 2*3; J_epsilon = 2*(3 + 0.001)
    "w^3": lambda w: w**3,  # J = (2)**3; J_epsilon = (2+0.001)**3
    "1/w": lambda w: 1 / w,  # J = 1/2; J_epsilon = 1/(2+0.001)
    "1/w^2": lambda w: 1 / w**2,  # J = 1/4**2; J_epsilon = 1/(4+0.001)**2
}


@dataclass(frozen=True)
class LabExample:
    """One arithmetic cell of the lab and the symbolic result it is compared with.

    `function` is parser text; `point` and `eps` are the lab's w and ε; `k_format` is the format
    spec of k in the lab's print ("0.6f", or "" for Python's repr). `lab_j`, `lab_j_eps` and
    `lab_k` are the numbers as the lab's text shows them. `derivative` is SymPy's `diff` result as
    parser text and `lab_subs` the (point, value) pairs the lab evaluates it at. `shows` is what
    the example teaches; `caveats` are where the lab is wrong or misleading.
    """

    id: str
    title: str
    cell: int
    function: str
    point: int
    eps: float
    code: str
    k_format: str
    lab_j: str
    lab_j_eps: str
    lab_k: str
    derivative: str
    lab_subs: tuple[tuple[int, str], ...]
    shows: str
    caveats: tuple[str, ...] = ()
    var: str = "w"

    @property
    def lab_line(self) -> str:
        """The printed line as the lab's text shows it."""
        return f"J = {self.lab_j}, J_epsilon = {self.lab_j_eps}, dJ_dw == k = {self.lab_k}"



@dataclass(frozen=True)
class LabCell:
    """The cell's nudge computed as the lab's Python does, and the line its print writes."""

    nudge: Nudge
    printed: str


def lab_arithmetic(example: LabExample) -> LabCell:
    """Redo the cell: J = J(w), J_epsilon = J(w + ε), k = (J_epsilon − J)/ε in Python floats.

    `printed` is exactly what the lab's print statement writes (including its trailing space);
    J stays a Python int where the lab's J is an int expression such as (3)**2.
    """
    step = nudged(_LAB_FORMULAS[example.function], example.point, example.eps)
    printed = f"J = {step.j}, J_epsilon = {step.j_eps}, dJ_dw == k = {step.k:{example.k_format}} "
    return LabCell(step, printed)


def lab_example(example_id: str) -> LabExample:
    """The example with this id; ValueError with the known ids otherwise."""
    for example in LAB_EXAMPLES:
        if example.id == example_id:
            return example
    known = ", ".join(e.id for e in LAB_EXAMPLES)
    raise ValueError(f"There is no lab example called '{example_id}'. Known: {known}.")


LAB_EXAMPLES: tuple[LabExample, ...] = (
    LabExample(
        id="square",
        title="J = w² at w = 3, ε = 0.001",
        cell=2,
        function="w^2",
        point=3,
        eps=0.001,
        code=(
            "J = (3)**2\n"
            "J_epsilon = (3 + 0.001)**2\n"
            "k = (J_epsilon - J)/0.001 # difference divided by epsilon\n"
            'print(f"J = {J}, J_epsilon = {J_epsilon}, dJ_dw == k = {k:0.6f} ")'
        ),
        k_format="0.6f",
        lab_j="9",
        lab_j_eps="9.006001",
        lab_k="6.001000",
        derivative="2*w",
        lab_subs=((2, "4"), (3, "6"), (-3, "-6")),
        shows=(
            "Nudging w by ε = 0.001 moves J from 9 to 9.006001, about 6 times the nudge: "
            "k ≈ 6 = J′(3) = 2·3. The extra 0.001 is the truncation error, ε·J″/2 = ε."
        ),
        caveats=(
            "The lab's text says the output changes from 9 to 9.0060001; it is 9.006001 "
            "(3.001² = 9.006001), as its own print shows.",
            "The format :0.6f hides that k is not 6.001 either: Python's float k is "
            "6.000999999999479, already off by about 5e-13 from rounding.",
        ),
    ),
    LabExample(
        id="square-small-eps",
        title="J = w² at w = 3, ε = 1e-9",
        cell=3,
        function="w^2",
        point=3,
        eps=1e-9,
        code=(
            "J = (3)**2\n"
            "J_epsilon = (3 + 0.000000001)**2\n"
            "k = (J_epsilon - J)/0.000000001\n"
            'print(f"J = {J}, J_epsilon = {J_epsilon}, dJ_dw == k = {k} ")'
        ),
        k_format="",
        lab_j="9",
        lab_j_eps="9.000000006",
        lab_k="6.000000496442226",
        derivative="2*w",
        lab_subs=(),
        shows=(
            "A smaller ε shrinks the truncation error to ε = 1e-9, but k = 6.000000496442226 "
            "is off by about 5e-7: floating-point rounding now dominates."
        ),
        caveats=(
            "The lab says k 'gets close to exactly 6 as we reduce ε'. Its own number says "
            "otherwise: the error 4.96e-7 is about 500 times the truncation error 1e-9. "
            "J(3 + ε) and J(3) agree in their first 9 digits, the subtraction keeps only the "
            "rest, and dividing by 1e-9 magnifies their rounding error (about 1e-16·9/1e-9 ≈ "
            "1e-6). Reducing ε further makes k worse, until 3 + ε == 3 and k is exactly 0.",
        ),
    ),
    LabExample(
        id="linear",
        title="J = 2w at w = 3, ε = 0.001",
        cell=14,
        function="2*w",
        point=3,
        eps=0.001,
        code=(
            "J = 2*3\n"
            "J_epsilon = 2*(3 + 0.001)\n"
            "k = (J_epsilon - J)/0.001\n"
            'print(f"J = {J}, J_epsilon = {J_epsilon}, dJ_dw == k = {k} ")'
        ),
        k_format="",
        lab_j="6",
        lab_j_eps="6.002",
        lab_k="1.999999999997797",
        derivative="2",
        lab_subs=((-3, "2"),),
        shows=(
            "For a straight line the nudge changes J by exactly 2 times ε at every w, so "
            "J′ = 2 everywhere."
        ),
        caveats=(
            "k is not exactly 2 even though a line has no truncation error at all: the whole "
            "error is rounding (0.001 and 3.001 are not exact binary fractions).",
            "The lab's text shows k = 1.999999999997797, but Python prints 1.9999999999997797: "
            "no float64 arithmetic gives the shorter number; a 9 was lost from the copy.",
        ),
    ),
    LabExample(
        id="cube",
        title="J = w³ at w = 2, ε = 0.001",
        cell=19,
        function="w^3",
        point=2,
        eps=0.001,
        code=(
            "J = (2)**3\n"
            "J_epsilon = (2+0.001)**3\n"
            "k = (J_epsilon - J)/0.001\n"
            'print(f"J = {J}, J_epsilon = {J_epsilon}, dJ_dw == k = {k} ")'
        ),
        k_format="",
        lab_j="8",
        lab_j_eps="8.012006000999998",
        lab_k="12.00600099997823",
        derivative="3*w^2",
        lab_subs=((2, "12"),),
        shows=(
            "k ≈ 12 = 3·2², the symbolic J′(2). The 0.006 left over is the truncation error "
            "3wε + ε² of the forward difference on a cubic."
        ),
        caveats=(
            "The lab's text shows k = 12.00600099997823, but Python prints 12.006000999997823: "
            "a 9 was lost from the copy.",
        ),
    ),
    LabExample(
        id="reciprocal",
        title="J = 1/w at w = 2, ε = 0.001",
        cell=24,
        function="1/w",
        point=2,
        eps=0.001,
        code=(
            "J = 1/2\n"
            "J_epsilon = 1/(2+0.001)\n"
            "k = (J_epsilon - J)/0.001\n"
            'print(f"J = {J}, J_epsilon = {J_epsilon}, dJ_dw == k = {k} ")'
        ),
        k_format="",
        lab_j="0.5",
        lab_j_eps="0.49975012493753124",
        lab_k="-0.2498750624687629",
        derivative="-1/w^2",
        lab_subs=((2, "-1/4"),),
        shows=(
            "A decreasing function has a negative derivative: k ≈ −0.25 = −1/2², the symbolic "
            "J′(2)."
        ),
    ),
    LabExample(
        id="reciprocal-square",
        title="Exercise: J = 1/w² at w = 4, ε = 0.001",
        cell=26,
        function="1/w^2",
        point=4,
        eps=0.001,
        code=(
            "J = 1/4**2\n"
            "J_epsilon = 1/(4+0.001)**2\n"
            "k = (J_epsilon - J)/0.001\n"
            'print(f"J = {J}, J_epsilon = {J_epsilon}, dJ_dw == k = {k} ")'
        ),
        k_format="",
        lab_j="0.0625",
        lab_j_eps="0.06246876171484496",
        lab_k="-0.031238285155041345",
        derivative="-2/w^3",
        lab_subs=(),
        shows=(
            "The lab's exercise: J′(w) = −2/w³, so J′(4) = −1/32 = −0.03125; the nudge gives "
            "−0.0312383, off by the truncation error ε·J″(4)/2 = 0.001·3/4⁴ ≈ 1.2e-5."
        ),
    ),
)
