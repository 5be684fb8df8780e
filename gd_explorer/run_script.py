"""A run as a Python script that needs nothing but NumPy: the export students take home.

The script holds the function, its exact gradient (and Hessian, for Newton's method)
as formulas written out by :func:`gd_explorer.engine.symbolic.text`, the run's settings
as constants, and a plain loop that takes the same steps as the explorer's engine, in
the same order of arithmetic, so it ends on the same point. Its last line of output is
that point. No Qt here.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from gd_explorer.engine import CostModel, DescentConfig, atomic, symbolic
from gd_explorer.engine.descent import divergence_limits
from gd_explorer.engine.optimizers import COST_ROUNDING, MAX_SHRINKS, NEWTON_RATIO, OPTIMIZERS
from gd_explorer.engine.schedules import SCHEDULES


class ScriptError(ValueError):
    """A run that cannot be written as a script; the message says why."""


def run_script(problem: CostModel, config: DescentConfig, seed: int | None = None) -> str:
    """Return a runnable NumPy script that repeats ``config`` on the function ``problem``.

    Parameters
    ----------
    problem : FunctionProblem
        A function of x and y (``kind == "function"``).
    config : DescentConfig
        The run (the gradient noise is drawn from its seed's stream).
    seed : int, optional
        The seed the run used, when ``config`` left it to chance (a trajectory's ``seed``).

    Raises
    ------
    ScriptError
        For a problem on data (the script export writes functions only).
    """
    if problem.kind != "function":
        raise ScriptError(
            "a run can be written as a script on a function only; on data, export the "
            "trajectory as CSV instead"
        )
    fx, fy = problem.gradient_formulas  # type: ignore[attr-defined]
    (fxx, fxy), (_, fyy) = problem.hessian_formulas  # type: ignore[attr-defined]
    rule = OPTIMIZERS[config.optimizer]
    options = rule.resolve(config.optimizer_options)
    schedule = SCHEDULES[config.schedule]
    schedule_options = schedule.resolve(config.schedule_options)
    free_x, free_y = config.free()
    if getattr(problem, "dimension", 2) == 1:
        free_y = False  # a function of x alone: y never moves
    x0, y0 = (float(v) for v in config.start)
    start_cost = problem.cost((x0, y0))
    scale = problem.cost_scale()
    reference = max(abs(start_cost), scale, 1e-300) if math.isfinite(start_cost) else 1e-300
    if seed is None:
        seed = config.seed if config.seed is not None else 0
    title = getattr(problem, "title", "") or symbolic.pretty(problem.expression)  # type: ignore[attr-defined]
    parts = [
        _HEADER.format(
            title=title,
            formula=symbolic.pretty(problem.expression),  # type: ignore[attr-defined]
            rule=rule.label,
        ),
        _FORMULAS.format(
            f=symbolic.text(problem.expression),  # type: ignore[attr-defined]
            fx=symbolic.text(fx),
            fy=symbolic.text(fy),
            fxx=symbolic.text(fxx),
            fxy=symbolic.text(fxy),
            fyy=symbolic.text(fyy),
        ),
        _SETTINGS.format(
            rate=float(config.learning_rate),
            steps=int(config.steps),
            start=(x0, y0),
            free=(free_x, free_y),
            tolerance=float(config.tolerance),
            noise=float(config.noise),
            seed=int(seed),
            ceiling=divergence_limits("function", reference)[1],
        ),
        _schedule(config.schedule, schedule_options, int(config.steps)),
        _rule(config.optimizer, options, scale),
        _LOOP,
    ]
    return "\n\n\n".join(part.strip("\n") for part in parts) + "\n"


def write_run_script(
    path: str | os.PathLike[str],
    problem: CostModel,
    config: DescentConfig,
    seed: int | None = None,
) -> Path:
    """Write :func:`run_script` to ``path`` (whole or not at all) and return the path.

    Raises
    ------
    ScriptError
        For a problem on data, or a file that cannot be written (with the reason).
    """
    text = run_script(problem, config, seed)
    target = Path(path)
    try:
        atomic.write_text(target, text)
    except OSError as error:
        raise ScriptError(f"cannot write {str(target)!r}: {error.strerror or error}") from None
    return target


_HEADER = '''
"""Gradient descent on {title}, exported from Gradient Descent Explorer.

    f(x, y) = {formula}

Update rule: {rule}. Run it with Python 3 and NumPy:

    python this_file.py

It takes the same steps as the run in the explorer and prints the final point (x, y)
on its last line.
"""

import math

import numpy as np
from numpy import abs, cos, e, exp, log, pi, sign, sin, sqrt, tan  # what formulas may use
'''

_FORMULAS = '''
# The function and its exact derivatives (by symbolic differentiation), evaluated in
# NumPy's float64 as the explorer does: 1/0 is inf and log(-1) is nan, not an error.


def f(x, y):
    """Return f(x, y)."""
    x, y = np.float64(x), np.float64(y)
    with np.errstate(all="ignore"):
        return float({f})


def gradient(x, y):
    """Return (df/dx, df/dy)."""
    x, y = np.float64(x), np.float64(y)
    with np.errstate(all="ignore"):
        return float({fx}), float({fy})


def hessian(x, y):
    """Return the second derivatives (d2f/dx2, d2f/dxdy, d2f/dy2)."""
    x, y = np.float64(x), np.float64(y)
    with np.errstate(all="ignore"):
        return float({fxx}), float({fxy}), float({fyy})
'''

_SETTINGS = """
# The run's settings.
LEARNING_RATE = {rate!r}
STEPS = {steps!r}
START = {start!r}  # (x, y)
MOVES = {free!r}  # whether x and y move (a function of x alone keeps y)
TOLERANCE = {tolerance!r}  # stop once the gradient is this small (0: never)
NOISE = {noise!r}  # standard deviation of the noise added to each gradient component
SEED = {seed!r}  # the noise's random stream
CEILING = {ceiling!r}  # |f| beyond this: the run has blown up and stops
"""


def _schedule(name: str, options: dict[str, float], steps: int) -> str:
    formula = {
        "constant": "LEARNING_RATE",
        "step": "LEARNING_RATE * {factor!r} ** (t // {every!r})",
        "exponential": "LEARNING_RATE * {factor!r} ** t",
        "inverse": "LEARNING_RATE / (1.0 + {decay!r} * t)",
        "cosine": (
            "{min_rate!r} + (LEARNING_RATE - {min_rate!r}) * "
            "(1.0 + math.cos(math.pi * t / {steps!r})) / 2.0"
        ),
    }[name]
    values = {**options, "steps": steps}
    if name == "step":
        values["every"] = int(values["every"])
    return (
        f"def rate(t):\n"
        f'    """Return the learning rate of update t = 0, 1, ... ({SCHEDULES[name].label})."""\n'
        f"    return {formula.format(**values)}\n"
    )


_RULES = {
    "gd": '''
def make_update():
    """Return the update rule: plain gradient descent."""

    def update(x, y, gx, gy, alpha):
        return x - alpha * gx, y - alpha * gy

    return update
''',
    "momentum": '''
def make_update(beta={beta!r}):
    """Return the update rule: momentum, v <- beta v + g; theta <- theta - alpha v."""
    v = [0.0, 0.0]

    def update(x, y, gx, gy, alpha):
        v[0] = beta * v[0] + gx
        v[1] = beta * v[1] + gy
        return x - alpha * v[0], y - alpha * v[1]

    return update
''',
    "nesterov": '''
def make_update(beta={beta!r}):
    """Return the update rule: Nesterov momentum.

    v <- beta v + g; theta <- theta - alpha (g + beta v), per coordinate.
    """
    v = [0.0, 0.0]

    def update(x, y, gx, gy, alpha):
        v[0] = beta * v[0] + gx
        v[1] = beta * v[1] + gy
        return x - alpha * (gx + beta * v[0]), y - alpha * (gy + beta * v[1])

    return update
''',
    "adagrad": '''
def make_update(eps={eps!r}):
    """Return the update rule: AdaGrad.

    G <- G + g^2; theta <- theta - alpha g / (sqrt(G) + eps), per coordinate.
    """
    total = [0.0, 0.0]

    def update(x, y, gx, gy, alpha):
        total[0] = total[0] + gx * gx
        total[1] = total[1] + gy * gy
        return (
            x - alpha * gx / (math.sqrt(total[0]) + eps),
            y - alpha * gy / (math.sqrt(total[1]) + eps),
        )

    return update
''',
    "rmsprop": '''
def make_update(rho={rho!r}, eps={eps!r}):
    """Return the update rule: RMSProp.

    s <- rho s + (1 - rho) g^2; theta <- theta - alpha g / (sqrt(s) + eps), per coordinate.
    """
    mean = [0.0, 0.0]

    def update(x, y, gx, gy, alpha):
        mean[0] = rho * mean[0] + (1.0 - rho) * (gx * gx)
        mean[1] = rho * mean[1] + (1.0 - rho) * (gy * gy)
        return (
            x - alpha * gx / (math.sqrt(mean[0]) + eps),
            y - alpha * gy / (math.sqrt(mean[1]) + eps),
        )

    return update
''',
    "adam": '''
def make_update(beta1={beta1!r}, beta2={beta2!r}, eps={eps!r}):
    """Return the update rule: Adam, with bias correction."""
    m, v, count = [0.0, 0.0], [0.0, 0.0], [0]

    def update(x, y, gx, gy, alpha):
        count[0] = t = count[0] + 1
        m[0] = beta1 * m[0] + (1.0 - beta1) * gx
        m[1] = beta1 * m[1] + (1.0 - beta1) * gy
        v[0] = beta2 * v[0] + (1.0 - beta2) * (gx * gx)
        v[1] = beta2 * v[1] + (1.0 - beta2) * (gy * gy)
        first = 1.0 - beta1**t
        second = 1.0 - beta2**t
        step_x = (m[0] / first) / (math.sqrt(v[0] / second) + eps)
        step_y = (m[1] / first) / (math.sqrt(v[1] / second) + eps)
        return x - alpha * step_x, y - alpha * step_y

    return update
''',
    "newton": '''
def make_update(flat={ratio!r}):
    """Return the update rule: Newton's method, theta <- theta - alpha H^-1 g.

    Where the Hessian is not positive definite Newton's step would not lead downhill:
    a plain gradient step is taken instead.
    """

    def direction(x, y, gx, gy):
        a, c, d = hessian(x, y)
        if MOVES[0] and MOVES[1]:
            if not (math.isfinite(a) and math.isfinite(c) and math.isfinite(d)):
                return None
            mean = 0.5 * (a + d)
            radius = math.hypot(0.5 * (a - d), c)
            largest = mean + radius
            smallest = (a * d - c * c) / largest if largest > 0.0 else -1.0
            if largest <= 0.0 or smallest <= flat * largest:
                return None
            det = a * d - c * c
            return (d * gx - c * gy) / det, (a * gy - c * gx) / det
        curvature = a if MOVES[0] else d
        if not (math.isfinite(curvature) and curvature > 0.0):
            return None
        return (gx / curvature, 0.0) if MOVES[0] else (0.0, gy / curvature)

    def update(x, y, gx, gy, alpha):
        step = direction(x, y, gx, gy)
        if step is None:
            return x - alpha * gx, y - alpha * gy
        return x - alpha * step[0], y - alpha * step[1]

    return update
''',
    "linesearch": '''
def make_update(shrink={shrink!r}, c={c!r}, rounding={rounding!r}, tries={tries!r}):
    """Return the update rule: a backtracking (Armijo) line search from alpha.

    The step s is multiplied by shrink until f(theta - s g) <= f(theta) - c s |g|^2;
    a rise within rounding (f's size times {cost_rounding!r}) counts as none.
    """

    def update(x, y, gx, gy, alpha):
        here = f(x, y)
        slope = c * (gx * gx + gy * gy)
        limit = rounding * max(abs(here), {scale!r})
        s = alpha
        for shrinks in range(tries + 1):
            new_x, new_y = x - s * gx, y - s * gy
            new = f(new_x, new_y)
            if new <= here - s * slope or new - here <= limit:
                break
            if shrinks == tries:
                break
            s *= shrink
        return new_x, new_y

    return update
''',
}


def _rule(name: str, options: dict[str, float], scale: float) -> str:
    values = {
        **options,
        "ratio": NEWTON_RATIO,
        "rounding": COST_ROUNDING,
        "cost_rounding": COST_ROUNDING,
        "tries": MAX_SHRINKS,
        "scale": scale,
    }
    return _RULES[name].format(**values)


_LOOP = '''
def descend():
    """Return the final (x, y), the number of steps taken and why the run stopped."""
    x, y = START
    noise = np.random.default_rng([SEED, 1])  # the explorer's stream for gradient noise
    update = make_update()
    cost = f(x, y)
    gx, gy = gradient(x, y)
    if not math.isfinite(cost):
        return x, y, 0, "f is not defined (or too large) at the start"
    taken = 0
    while True:
        size = math.hypot(gx if MOVES[0] else 0.0, gy if MOVES[1] else 0.0)
        if TOLERANCE > 0.0 and size <= TOLERANCE:
            return x, y, taken, "converged: the gradient is within the tolerance"
        if taken >= STEPS:
            return x, y, taken, "finished every step"
        step_x, step_y = gx, gy
        if NOISE > 0.0:
            step_x += NOISE * noise.standard_normal()
            step_y += NOISE * noise.standard_normal()
        if not MOVES[0]:
            step_x = 0.0
        if not MOVES[1]:
            step_y = 0.0
        new_x, new_y = update(x, y, step_x, step_y, rate(taken))
        if not MOVES[0]:
            new_x = START[0]
        if not MOVES[1]:
            new_y = START[1]
        if not (math.isfinite(new_x) and math.isfinite(new_y)):
            return x, y, taken, "diverged: the step overflowed"
        new_cost = f(new_x, new_y)
        gx, gy = gradient(new_x, new_y)
        if not math.isfinite(new_cost):
            return x, y, taken, "diverged: f is not defined (or too large) at the next point"
        x, y, cost = new_x, new_y, new_cost
        taken += 1
        if abs(cost) > CEILING:
            return x, y, taken, "diverged: f blew up"


if __name__ == "__main__":
    x, y, taken, why = descend()
    print(f"{taken} steps; {why}; f = {f(x, y)!r}")
    print(f"final point: x = {x!r}, y = {y!r}")
'''
