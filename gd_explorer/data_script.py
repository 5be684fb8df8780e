"""A run on data as a Python script that needs nothing but NumPy.

The script holds the data, the cost J and its gradient (the formulas written out in
comments, the code in the same order of arithmetic as the explorer's engine), the
run's settings as constants, the rows each step draws (the same calls on the same
seeded NumPy generator) and a plain loop. So it takes exactly the explorer's steps
and ends on the same slope and intercept, which it prints on its last line. No Qt here.
"""

from __future__ import annotations

import base64
import textwrap

import numpy as np

from gd_explorer.engine import CostModel, DescentConfig
from gd_explorer.engine.descent import CEILING_FACTOR, DIVERGENCE_FACTOR
from gd_explorer.engine.models import _CHUNK, _SMALL
from gd_explorer.engine.optimizers import COST_ROUNDING, MAX_SHRINKS, NEWTON_RATIO, OPTIMIZERS
from gd_explorer.engine.samplers import _BLOCK
from gd_explorer.engine.scaling import Scaling
from gd_explorer.engine.schedules import SCHEDULES

#: How the scripts name the descent variants.
VARIANT_WORDS = {
    "batch": "batch gradient descent (every step uses all rows)",
    "stochastic": "stochastic gradient descent (every step uses one random row)",
    "minibatch": "mini-batch gradient descent (every step uses {size} random rows)",
}


def data_run_script(
    problem: CostModel,
    config: DescentConfig,
    seed: int,
    scaling: Scaling | None = None,
) -> str:
    """Return a runnable NumPy script that repeats ``config`` on the data of ``problem``.

    Parameters
    ----------
    problem : LinearRegression or LogisticRegression
        The model on the user's data (not standardised: ``scaling`` says how).
    config : DescentConfig
        The run, on the standardised data when ``scaling`` is given.
    seed : int
        The seed the run drew its rows with (a trajectory's ``seed``).
    scaling : Scaling, optional
        How x was standardised for the run.
    """
    data = problem.data
    n = len(data)
    logistic = problem.kind == "logistic"
    rule = OPTIMIZERS[config.optimizer]
    size = min(config.batch_size, n)
    variant = VARIANT_WORDS[config.variant].format(size=size)
    schedule = SCHEDULES[config.schedule]
    model = "a logistic curve p = σ(m·x + b)" if logistic else "a line y = m·x + b"
    parts = [
        _DATA_HEADER.format(
            model=model,
            n=n,
            name=f" ({data.name})" if data.name else "",
            base64="import base64\n" if n > LISTED_ROWS else "",
            summary=textwrap.fill(
                f"Exported from Gradient Descent Explorer: {variant}; update rule: "
                f"{rule.label.lower()}; learning rate: {schedule.label.lower()}.",
                width=88,
            ),
        ),
        _data_part(data.x, data.y, logistic),
    ]
    if scaling is not None:
        parts.append(_SCALING)
    parts.append(_cost_part(problem, scaling))
    parts.append(
        _DATA_SETTINGS.format(
            rate=float(config.learning_rate),
            steps=int(config.steps),
            start=tuple(float(v) for v in config.start),
            free=config.free(),
            tolerance=float(config.tolerance),
            seed=(
                f"SEED = {int(seed)!r}  # the random rows' stream"
                if config.variant != "batch" or config.noise > 0.0
                else "# (every step uses all rows: nothing is drawn at random)"
            ),
            noise=_noise_setting(float(config.noise)),
            above=_short(DIVERGENCE_FACTOR),
            ceiling=_short(CEILING_FACTOR),
        )
    )
    rows = _rows_part(config.variant, size)
    if rows:
        parts.append(rows)
    parts.append(_rate_part(config))
    parts.append(_data_rule(config.optimizer, rule.resolve(config.optimizer_options)))
    batch, noise = config.variant == "batch", config.noise > 0.0
    parts.append(
        _DATA_LOOP.format(
            draw=_BATCH_DRAW if batch else _SAMPLED_DRAW,
            rows="" if batch else _ROWS,
            noise=_NOISE if noise else "",
            add_noise=_ADD_NOISE if noise else "",
        )
    )
    parts.append(_data_main(scaling is not None))
    return "\n\n\n".join(part.strip("\n") for part in parts) + "\n"


_DATA_HEADER = '''
"""Gradient descent fitting {model} to {n} points{name}.

{summary}

Run it with Python 3 and NumPy:

    python this_file.py

It takes exactly the steps the run in the explorer took (the same numbers, the same
random rows) and prints the final slope m and intercept b on its last line. Change
the settings below and run it again; descend() returns every point of the path, to
plot or to print.
"""

{base64}import math

import numpy as np
'''


def _numbers(values: np.ndarray) -> str:
    """Return ``values`` as exact Python floats, a few to a line."""
    items = [repr(float(v)) for v in values]
    lines = [", ".join(items[i : i + 6]) for i in range(0, len(items), 6)]
    return "\n".join(f"        {line}," for line in lines)


def _data_part(x: np.ndarray, y: np.ndarray, logistic: bool) -> str:
    what = "the class of each point, 0 or 1" if logistic else "the value at each x"
    head = f"# The data: {len(x)} points. X holds the inputs, Y {what}.\n"
    if len(x) > LISTED_ROWS:
        return head + (
            f"# Too many to list readably: here are the bytes of their 64-bit floats\n"
            f"# (base64), the exact numbers. X[:5] and Y[:5] show the first few.\n"
            f"X = np.frombuffer(base64.b64decode({_packed(x)}), dtype='<f8')\n"
            f"Y = np.frombuffer(base64.b64decode({_packed(y)}), dtype='<f8')\n"
        )
    return head + (
        "X = np.array(\n    [\n" + _numbers(x) + "\n    ]\n)\n"
        "Y = np.array(\n    [\n" + _numbers(y) + "\n    ]\n)\n"
    )


#: Rows up to which a script lists its data as numbers; beyond, as packed bytes.
LISTED_ROWS = 10_000


def _packed(values: np.ndarray) -> str:
    """Return ``values`` as a base64 string literal of their float64 bytes, in lines."""
    text = base64.b64encode(np.asarray(values, dtype="<f8").tobytes()).decode("ascii")
    lines = [text[i : i + 76] for i in range(0, len(text), 76)]
    return "(\n    " + "\n    ".join(f'"{line}"' for line in lines) + "\n)"


_SCALING = """
# Standardise x: x' = (x − mean) / spread gives inputs with mean 0 and standard
# deviation 1, which turns a long narrow valley of J into a round bowl. Everything
# below runs on x'; the line on the original x is y = (m / SCALE)·x + b − (m / SCALE)·MEAN.
MEAN = float(X.mean())
SCALE = float(np.std(X))
X_ORIGINAL = X
X = (X - MEAN) / SCALE
"""


def _cost_part(problem: CostModel, scaling: Scaling | None) -> str:
    l2 = repr(float(problem.l2)) + (" / SCALE**2" if scaling is not None else "")
    penalty = (
        "  # λ, the penalty on the slope of the original x; on x' it is λ / SCALE²"
        if scaling is not None
        else "  # λ, the L2 penalty on the slope (0: none)"
    )
    if problem.kind == "linear":
        return _LINEAR.format(l2=l2, penalty=penalty)
    sums = _PYTHON_SUMS if problem.n <= _SMALL else _NUMPY_SUMS.format(chunk=_CHUNK)
    return _LOGISTIC.format(l2=l2, penalty=penalty, sums=sums.strip("\n"))


_LINEAR = '''
# The cost J: half the mean squared vertical distance from the points to the line
# (the ½ makes the gradient tidy), plus a penalty on steep slopes. Its gradient says
# which way J rises fastest, so a step goes the other way:
#
#     J(m, b) = 1/(2n) Σ (y − (m·x + b))²  +  (λ/2)·m²
#     ∂J/∂m   = −1/n Σ (y − (m·x + b))·x  +  λ·m
#     ∂J/∂b   = −1/n Σ (y − (m·x + b))
#
# Over all rows the sums are computed from the means, variances and covariance of
# x and y (expand the square and collect terms): a step then costs the same for 8
# rows or 8 million, and large x or y lose no digits. The explorer does the same.
N = len(X)
L2 = {l2}{penalty}
X_MEAN = float(X.mean())
Y_MEAN = float(Y.mean())
_DX = X - X_MEAN
_DY = Y - Y_MEAN
X_VAR = float(_DX @ _DX) / N  # variance of x
XY_COV = float(_DX @ _DY) / N  # covariance of x and y
Y_VAR = float(_DY @ _DY) / N  # variance of y
COST_SCALE = 0.5 * Y_VAR  # the cost of the best flat line: J's typical size


def cost(m, b):
    """Return J(m, b) over all rows."""
    c = Y_MEAN - m * X_MEAN - b  # the mean residual
    spread = max(Y_VAR + m * (m * X_VAR - 2.0 * XY_COV), 0.0)
    return 0.5 * (spread + c * c) + 0.5 * L2 * m * m


def gradient(m, b):
    """Return (∂J/∂m, ∂J/∂b) over all rows."""
    c = Y_MEAN - m * X_MEAN - b
    return -(XY_COV - m * X_VAR + X_MEAN * c) + L2 * m, -c


def gradient_of_rows(m, b, rows):
    """Return the gradient over some rows only: the sums above over those rows."""
    if isinstance(rows, int):  # one row: stochastic descent
        x = X.item(rows)
        r = Y.item(rows) - m * x - b  # the residual y − (m·x + b)
        return -r * x + L2 * m, -r
    x = X[rows]
    r = Y[rows] - m * x - b
    k = rows.size
    return -float(r @ x) / k + L2 * m, -float(r.sum()) / k


def hessian(m, b):
    """Return J's second derivatives (∂²J/∂m², ∂²J/∂m∂b, ∂²J/∂b²): a parabola's, constant."""
    return X_VAR + X_MEAN * X_MEAN + L2, X_MEAN, 1.0
'''

_LOGISTIC = '''
# The cost J: cross-entropy, the mean of −log of the probability the curve gives each
# point's own class, plus a penalty on steep slopes. With p = σ(m·x + b) = 1/(1 + e^−(m·x + b)):
#
#     J(m, b) = −1/n Σ [y·log p + (1 − y)·log(1 − p)]  +  (λ/2)·m²
#     ∂J/∂m   = 1/n Σ (p − y)·x  +  λ·m
#     ∂J/∂b   = 1/n Σ (p − y)
#
# A row's loss is softplus(u) = log(1 + e^u) with u = m·x + b for class 0 and
# u = −(m·x + b) for class 1, and p − y is +σ(u) for class 0, −σ(u) for class 1.
# Written so, nothing overflows however far m and b go. The explorer does the same.
N = len(X)
L2 = {l2}{penalty}
X0 = X[Y == 0.0]  # the inputs of class 0
X1 = X[Y == 1.0]  # the inputs of class 1
COST_SCALE = math.log(2.0)  # the cost of p = 1/2 everywhere: J's typical size


def sigmoid(z):
    """Return σ(z) = 1 / (1 + e^−z) for one number, without overflow."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sigmoid_array(z):
    """Return σ(z) for an array, without overflow."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


{sums}


def cost_and_gradient(m, b):
    """Return J(m, b), ∂J/∂m and ∂J/∂b over all rows."""
    loss0, wx0, w0 = class_sums(m, b, 1.0, X0)
    loss1, wx1, w1 = class_sums(m, b, -1.0, X1)
    cost = (loss0 + loss1) / N + 0.5 * L2 * m * m
    return cost, (wx0 - wx1) / N + L2 * m, (w0 - w1) / N


def cost(m, b):
    """Return J(m, b) over all rows."""
    return cost_and_gradient(m, b)[0]


def gradient(m, b):
    """Return (∂J/∂m, ∂J/∂b) over all rows."""
    _, gm, gb = cost_and_gradient(m, b)
    return gm, gb


def gradient_of_rows(m, b, rows):
    """Return the gradient over some rows only: the mean of (p − y)·(x, 1) over them."""
    if isinstance(rows, int):  # one row: stochastic descent
        x = X.item(rows)
        r = sigmoid(m * x + b) - Y.item(rows)
        return r * x + L2 * m, r
    x = X[rows]
    r = sigmoid_array(m * x + b) - Y[rows]
    k = rows.size
    return float(r @ x) / k + L2 * m, float(r.sum()) / k


def hessian(m, b):
    """Return J's second derivatives (∂²J/∂m², ∂²J/∂m∂b, ∂²J/∂b²) at (m, b)."""
    p = sigmoid_array(m * X + b)
    w = p * (1.0 - p)
    h_mb = float(w @ X) / N
    return float(w @ (X * X)) / N + L2, h_mb, float(w.sum()) / N
'''

_PYTHON_SUMS = '''
def class_sums(m, b, sign, x):
    """Return Σ softplus(u), Σ σ(u)·x and Σ σ(u) over one class, u = sign·(m·x + b)."""
    loss = weighted = total = 0.0
    for xi in x.tolist():
        u = sign * (m * xi + b)
        if u > 0.0:
            e = math.exp(-u)
            loss += u + math.log1p(e)  # log(1 + e^u) = u + log(1 + e^−u)
            s = 1.0 / (1.0 + e)
        else:
            e = math.exp(u)
            loss += math.log1p(e)
            s = e / (1.0 + e)
        weighted += s * xi
        total += s
    return loss, weighted, total
'''

_NUMPY_SUMS = '''
CHUNK = {chunk}  # rows per pass: the sums are added a chunk at a time, as the explorer adds them
ONES = np.ones(min(CHUNK, N))


def class_sums(m, b, sign, x):
    """Return Σ softplus(u), Σ σ(u)·x and Σ σ(u) over one class, u = sign·(m·x + b)."""
    loss = weighted = total = 0.0
    for start in range(0, x.size, CHUNK):
        xc = x[start : start + CHUNK]
        ones = ONES[: xc.size]
        u = xc * (sign * m)
        u += sign * b
        try:
            with np.errstate(over="raise", under="ignore"):
                e = np.exp(u)
        except FloatingPointError:
            # A point misclassified by a margin beyond exp's range: the slow safe way.
            loss += float(np.logaddexp(0.0, u).sum())
            s = sigmoid_array(u)
            weighted += float(s @ xc)
            total += float(s.sum())
            continue
        s = e / (e + 1.0)  # σ(u)
        loss += float(np.log1p(e) @ ones)  # softplus(u) = log(1 + e^u)
        weighted += float(s @ xc)
        total += float(s @ ones)
    return loss, weighted, total
'''

_DATA_SETTINGS = """
# The run's settings.
LEARNING_RATE = {rate!r}
STEPS = {steps!r}
START = {start!r}  # (m, b)
LEARNS = {free!r}  # whether m and b are learned; a held one stays at its START value
TOLERANCE = {tolerance!r}  # stop once the gradient is this small (0: never)
{seed}{noise}
# A run has diverged once J passes {above} times its typical size, and stops at {ceiling}.
DIVERGED_FACTOR = {above}
CEILING_FACTOR = {ceiling}
"""


def _short(value: float) -> str:
    """Return ``value`` as a short literal (1e+10) when that is the same float."""
    text = f"{value:g}"
    return text if float(text) == value else repr(value)


def _noise_setting(noise: float) -> str:
    if noise <= 0.0:
        return ""
    return f"\nNOISE = {noise!r}  # standard deviation of noise added to each gradient component"


def _rows_part(variant: str, size: int) -> str:
    if variant == "batch":
        return ""  # every step uses all rows: none are drawn
    head = (
        f"# Which rows each step uses, drawn from NumPy's generator seeded with SEED in\n"
        f"# blocks of {_BLOCK} draws, exactly as the explorer draws them: the same rows.\n"
    )
    if variant == "stochastic":
        return head + (
            "def draw_rows(rng):\n"
            '    """Yield one random row index per step."""\n'
            "    while True:\n"
            f"        yield from rng.integers(0, N, size={_BLOCK}).tolist()\n"
        )
    return head + (
        f"BATCH_SIZE = {size!r}\n\n\n"
        "def draw_rows(rng):\n"
        '    """Yield BATCH_SIZE distinct random row indices per step."""\n'
        f"    count = max(1, {_BLOCK} // BATCH_SIZE)  # batches per block\n"
        "    while True:\n"
        "        if 2 * BATCH_SIZE > N:\n"
        "            # Most rows in every batch: the first BATCH_SIZE of a random ordering.\n"
        "            block = np.argsort(rng.random((count, N)), axis=1)[:, :BATCH_SIZE]\n"
        "        else:\n"
        "            # Draw rows at random; a batch that drew a row twice is drawn again.\n"
        "            block = rng.integers(0, N, size=(count, BATCH_SIZE))\n"
        "            ordered = np.sort(block, axis=1)\n"
        "            repeats = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))\n"
        "            for i in repeats:\n"
        "                block[i] = rng.choice(N, BATCH_SIZE, replace=False)\n"
        "        yield from block.astype(np.intp)\n"
    )


def _rate_part(config: DescentConfig) -> str:
    from gd_explorer.run_script import _schedule

    options = SCHEDULES[config.schedule].resolve(config.schedule_options)
    return _schedule(config.schedule, options, int(config.steps))


#: Each update rule as the script's text; the function script renames its variables.
DATA_RULES = {
    "gd": '''
def make_update():
    """Return the update rule: plain gradient descent, θ ← θ − α g."""

    def update(m, b, gm, gb, alpha):
        return m - alpha * gm, b - alpha * gb

    return update
''',
    "momentum": '''
def make_update(beta={beta!r}):
    """Return the update rule: momentum, v ← β v + g; θ ← θ − α v (a heavy ball)."""
    v = [0.0, 0.0]

    def update(m, b, gm, gb, alpha):
        v[0] = beta * v[0] + gm
        v[1] = beta * v[1] + gb
        return m - alpha * v[0], b - alpha * v[1]

    return update
''',
    "nesterov": '''
def make_update(beta={beta!r}):
    """Return the update rule: Nesterov momentum, v ← β v + g; θ ← θ − α (g + β v)."""
    v = [0.0, 0.0]

    def update(m, b, gm, gb, alpha):
        v[0] = beta * v[0] + gm
        v[1] = beta * v[1] + gb
        return m - alpha * (gm + beta * v[0]), b - alpha * (gb + beta * v[1])

    return update
''',
    "adagrad": '''
def make_update(eps={eps!r}):
    """Return the update rule: AdaGrad, G ← G + g²; θ ← θ − α g / (√G + ε), per parameter."""
    total = [0.0, 0.0]

    def update(m, b, gm, gb, alpha):
        total[0] = total[0] + gm * gm
        total[1] = total[1] + gb * gb
        return (
            m - alpha * gm / (math.sqrt(total[0]) + eps),
            b - alpha * gb / (math.sqrt(total[1]) + eps),
        )

    return update
''',
    "rmsprop": '''
def make_update(rho={rho!r}, eps={eps!r}):
    """Return the update rule: RMSProp, s ← ρ s + (1 − ρ) g²; θ ← θ − α g / (√s + ε)."""
    mean = [0.0, 0.0]

    def update(m, b, gm, gb, alpha):
        mean[0] = rho * mean[0] + (1.0 - rho) * (gm * gm)
        mean[1] = rho * mean[1] + (1.0 - rho) * (gb * gb)
        return (
            m - alpha * gm / (math.sqrt(mean[0]) + eps),
            b - alpha * gb / (math.sqrt(mean[1]) + eps),
        )

    return update
''',
    "adam": '''
def make_update(beta1={beta1!r}, beta2={beta2!r}, eps={eps!r}):
    """Return the update rule: Adam, momentum and RMSProp with bias correction."""
    first_moment, second_moment, count = [0.0, 0.0], [0.0, 0.0], [0]

    def update(m, b, gm, gb, alpha):
        count[0] = t = count[0] + 1
        mm, mb = first_moment
        vm, vb = second_moment
        mm = beta1 * mm + (1.0 - beta1) * gm
        mb = beta1 * mb + (1.0 - beta1) * gb
        vm = beta2 * vm + (1.0 - beta2) * (gm * gm)
        vb = beta2 * vb + (1.0 - beta2) * (gb * gb)
        first_moment[:] = mm, mb
        second_moment[:] = vm, vb
        first = 1.0 - beta1**t  # the bias corrections: the moments start at 0
        second = 1.0 - beta2**t
        step_m = (mm / first) / (math.sqrt(vm / second) + eps)
        step_b = (mb / first) / (math.sqrt(vb / second) + eps)
        return m - alpha * step_m, b - alpha * step_b

    return update
''',
    "newton": '''
def make_update(flat={ratio!r}):
    """Return the update rule: Newton's method, θ ← θ − α H⁻¹ g (H: the Hessian).

    Where H is not positive definite Newton's step would not lead downhill: a plain
    gradient step is taken instead.
    """

    def direction(m, b, gm, gb):
        a, c, d = hessian(m, b)
        if LEARNS[0] and LEARNS[1]:
            if not (math.isfinite(a) and math.isfinite(c) and math.isfinite(d)):
                return None
            mean = 0.5 * (a + d)  # the eigenvalues of H, without cancellation
            radius = math.hypot(0.5 * (a - d), c)
            largest = mean + radius
            smallest = (a * d - c * c) / largest if largest > 0.0 else -1.0
            if largest <= 0.0 or smallest <= flat * largest:
                return None
            det = a * d - c * c
            return (d * gm - c * gb) / det, (a * gb - c * gm) / det
        curvature = a if LEARNS[0] else d
        if not (math.isfinite(curvature) and curvature > 0.0):
            return None
        return (gm / curvature, 0.0) if LEARNS[0] else (0.0, gb / curvature)

    def update(m, b, gm, gb, alpha):
        step = direction(m, b, gm, gb)
        if step is None:
            return m - alpha * gm, b - alpha * gb
        return m - alpha * step[0], b - alpha * step[1]

    return update
''',
    "linesearch": '''
def make_update(shrink={shrink!r}, c={c!r}, rounding={rounding!r}, tries={tries!r}):
    """Return the update rule: a backtracking (Armijo) line search from α.

    The step s is multiplied by shrink until J(θ − s g) ≤ J(θ) − c s |g|²;
    a rise within rounding (J's size times rounding) counts as none.
    """

    def update(m, b, gm, gb, alpha):
        here = cost(m, b)
        slope = c * (gm * gm + gb * gb)
        limit = rounding * max(abs(here), COST_SCALE)
        s = alpha
        for shrinks in range(tries + 1):
            new_m, new_b = m - s * gm, b - s * gb
            new = cost(new_m, new_b)
            if new <= here - s * slope or new - here <= limit:
                break
            if shrinks == tries:
                break
            s *= shrink
        return new_m, new_b

    return update
''',
}


def _data_rule(name: str, options: dict[str, float]) -> str:
    values = {**options, "ratio": NEWTON_RATIO, "rounding": COST_ROUNDING, "tries": MAX_SHRINKS}
    return DATA_RULES[name].format(**values)


_ROWS = "\n    rows = draw_rows(np.random.default_rng(SEED))"
_NOISE = "\n    noise = np.random.default_rng([SEED, 1])  # the gradient noise's own stream"
_ADD_NOISE = """
            gm += NOISE * noise.standard_normal()
            gb += NOISE * noise.standard_normal()"""
_BATCH_DRAW = "gm, gb = gradient(m, b)  # over all rows"
_SAMPLED_DRAW = "gm, gb = gradient_of_rows(m, b, next(rows))  # over this step's rows"

_DATA_LOOP = '''
# The descent: from START, each step takes the gradient g at the current (m, b) and
# moves against it, θ ← θ − α·g as the update rule says, until STEPS steps are taken,
# the gradient is within TOLERANCE, or J blows up (the learning rate is too large).
def descend():
    """Run the descent; return the path [(m, b), ...], the cost at each point, and why it ended."""
    m, b = START{rows}{noise}
    update = make_update()
    # Far out, m·x may pass the largest float: that is a divergence, not an error.
    with np.errstate(over="ignore", invalid="ignore"):
        now = cost(m, b)
        path, costs = [(m, b)], [now]
        if not math.isfinite(now):
            return path, costs, "diverged at the start: J is beyond the largest float there"
        typical = max(abs(now), COST_SCALE, 1e-300)
        diverged_above, ceiling = DIVERGED_FACTOR * typical, CEILING_FACTOR * typical
        diverged_at = None
        while True:
            if TOLERANCE > 0.0:
                gm, gb = gradient(m, b)
                if math.hypot(gm if LEARNS[0] else 0.0, gb if LEARNS[1] else 0.0) <= TOLERANCE:
                    return path, costs, "converged: the gradient is within the tolerance"
            taken = len(path) - 1
            if taken >= STEPS:
                if diverged_at is None:
                    return path, costs, "finished every step"
                return path, costs, f"diverged at step {{diverged_at}}: J grew too large"
            {draw}{add_noise}
            if not LEARNS[0]:
                gm = 0.0
            if not LEARNS[1]:
                gb = 0.0
            new_m, new_b = update(m, b, gm, gb, rate(taken))
            if not LEARNS[0]:
                new_m = START[0]
            if not LEARNS[1]:
                new_b = START[1]
            if not (math.isfinite(new_m) and math.isfinite(new_b)):
                return path, costs, f"diverged at step {{taken + 1}}: the step overflowed"
            now = cost(new_m, new_b)
            if not math.isfinite(now):
                return path, costs, f"diverged at step {{taken + 1}}: J passed the largest float"
            m, b = new_m, new_b
            path.append((m, b))
            costs.append(now)
            if now > diverged_above and diverged_at is None:
                diverged_at = taken + 1
            if now > ceiling:
                return path, costs, f"diverged at step {{diverged_at}}: J blew up"
'''


def _data_main(scaled: bool) -> str:
    original = (
        "    slope = m / SCALE  # back to the original x\n"
        '    print(f"on the original x: slope {slope!r}, intercept {b - slope * MEAN!r}")\n'
        if scaled
        else ""
    )
    return (
        'if __name__ == "__main__":\n'
        "    path, costs, why = descend()\n"
        "    m, b = path[-1]\n"
        '    print(f"{len(path) - 1} steps; {why}; J = {costs[-1]!r}")\n'
        + original
        + '    print(f"final slope and intercept: m = {m!r}, b = {b!r}")\n'
    )
