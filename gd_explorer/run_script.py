"""A run as a Python script (or a Jupyter notebook) that needs nothing but NumPy.

The export students take home. On a function, the script holds the function, its
exact gradient (and Hessian, for Newton's method) as formulas written out by
:func:`gd_explorer.engine.symbolic.text`; on data (:mod:`gd_explorer.data_script`),
the data, the cost and its gradient and the rows each step draws. Either way the
run's settings are constants and a plain loop takes the same steps as the explorer's
engine, in the same order of arithmetic, so it ends on the same point. Its last line
of output is that point. The notebook holds the same code, cut into cells with the
script's comments as text between them. No Qt here.
"""

from __future__ import annotations

import json
import math
import os
import re
import textwrap
from pathlib import Path

from gd_explorer.data_script import DATA_RULES
from gd_explorer.engine import CostModel, DescentConfig, atomic, symbolic
from gd_explorer.engine.descent import divergence_limits
from gd_explorer.engine.optimizers import COST_ROUNDING, MAX_SHRINKS, NEWTON_RATIO, OPTIMIZERS
from gd_explorer.engine.scaling import Scaling
from gd_explorer.engine.schedules import SCHEDULES


class ScriptError(ValueError):
    """A run that cannot be written as a script; the message says why."""


def run_script(
    problem: CostModel,
    config: DescentConfig,
    seed: int | None = None,
    scaling: Scaling | None = None,
) -> str:
    """Return a runnable NumPy script that repeats ``config`` on ``problem``.

    Parameters
    ----------
    problem : CostModel
        A function of x and y, or a linear or logistic model on data. With ``scaling``
        the model on the user's data as it is (the script standardises x itself).
    config : DescentConfig
        The run (random rows and gradient noise are drawn from its seed's streams).
    seed : int, optional
        The seed the run used, when ``config`` left it to chance (a trajectory's ``seed``).
    scaling : Scaling, optional
        How x was standardised for the run (data only); ``config`` is then in the
        standardised units, as the run was.

    Raises
    ------
    ScriptError
        For a standardisation asked of a function.
    """
    if seed is None:
        seed = config.seed if config.seed is not None else 0
    if problem.kind != "function":
        from gd_explorer.data_script import data_run_script

        return data_run_script(problem, config, int(seed), scaling)
    if scaling is not None:
        raise ScriptError("a function has no data to standardise: export it without scaling")
    return _function_script(problem, config, int(seed))


def _function_script(problem: CostModel, config: DescentConfig, seed: int) -> str:
    """Return the script of a run on a function (see :func:`run_script`)."""
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
    scaling: Scaling | None = None,
) -> Path:
    """Write :func:`run_script` to ``path`` (whole or not at all) and return the path.

    Raises
    ------
    ScriptError
        For a file that cannot be written (with the reason).
    """
    return _write(path, run_script(problem, config, seed, scaling))


def run_notebook(
    problem: CostModel,
    config: DescentConfig,
    seed: int | None = None,
    scaling: Scaling | None = None,
) -> str:
    """Return :func:`run_script` as a Jupyter notebook (nbformat 4 JSON text).

    The script's docstring and comment blocks become text cells, its code the code
    cells between them; the lines under ``if __name__ == "__main__":`` are the last
    cell, which runs the descent and prints the final point.
    """
    return notebook(run_script(problem, config, seed, scaling))


def write_run_notebook(
    path: str | os.PathLike[str],
    problem: CostModel,
    config: DescentConfig,
    seed: int | None = None,
    scaling: Scaling | None = None,
) -> Path:
    """Write :func:`run_notebook` to ``path`` (whole or not at all) and return the path.

    Raises
    ------
    ScriptError
        For a file that cannot be written (with the reason).
    """
    return _write(path, run_notebook(problem, config, seed, scaling))


def _write(path: str | os.PathLike[str], text: str) -> Path:
    target = Path(path)
    try:
        atomic.write_text(target, text)
    except OSError as error:
        raise ScriptError(f"cannot write {str(target)!r}: {error.strerror or error}") from None
    return target


_MAIN = 'if __name__ == "__main__":\n'


def notebook(script: str) -> str:
    """Return the cells of ``script`` (parts apart by two blank lines) as a notebook.

    Parameters
    ----------
    script : str
        A script of :func:`run_script`: its module docstring, then its parts.

    Returns
    -------
    str
        nbformat 4.5 JSON: a Markdown cell for the docstring and for each part's
        leading comment block, a code cell for each part's code.
    """
    cells: list[dict[str, object]] = []
    for part in script.split("\n\n\n"):
        text, code = _split_part(part.strip("\n"))
        text = _HOW_TO_RUN.sub("Run the cells from the top (they need NumPy).", text)
        if text:
            cells.append(_cell("markdown", text))
        if _MAIN in code:
            before, _, body = code.partition(_MAIN)
            if before.strip():
                cells.append(_cell("code", before.strip("\n")))
            cells.append(_cell("markdown", "Run the descent and print where it ended."))
            cells.append(_cell("code", textwrap.dedent(body).strip("\n")))
        elif code:
            cells.append(_cell("code", code))
    document = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    for number, cell in enumerate(cells, start=1):
        cell["id"] = f"cell-{number}"
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


_HOW_TO_RUN = re.compile(r"Run it with Python 3 and NumPy:\s+python this_file\.py")
_DOCSTRING = re.compile(r'^"""(.*?)"""\n*', re.DOTALL)


def _split_part(part: str) -> tuple[str, str]:
    """Return a part's explanation (docstring or leading comments) and its code."""
    docstring = _DOCSTRING.match(part)
    if docstring:
        return docstring[1].strip(), part[docstring.end() :].strip("\n")
    lines = part.split("\n")
    count = 0
    while count < len(lines) and lines[count].startswith("#"):
        count += 1
    text = "\n".join(line[2:] if line.startswith("# ") else line[1:] for line in lines[:count])
    return text.strip(), "\n".join(lines[count:]).strip("\n")


def _cell(kind: str, text: str) -> dict[str, object]:
    lines = text.split("\n")
    source = [line + "\n" for line in lines[:-1]] + [lines[-1]]
    cell: dict[str, object] = {
        "cell_type": kind,
        "id": "",
        "metadata": {},
        "source": source,
    }
    if kind == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


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


#: The data script's names and the function script's: one text of each update rule.
_FUNCTION_NAMES = {
    "m": "x",
    "b": "y",
    "gm": "gx",
    "gb": "gy",
    "mm": "mx",
    "mb": "my",
    "vm": "vx",
    "vb": "vy",
    "step_m": "step_x",
    "step_b": "step_y",
    "new_m": "new_x",
    "new_b": "new_y",
    "cost": "f",
    "LEARNS": "MOVES",
    "COST_SCALE": "{scale!r}",
}
_NAME = re.compile(r"\b(" + "|".join(sorted(_FUNCTION_NAMES, key=len, reverse=True)) + r")\b")


def _function_rule(template: str) -> str:
    """Return a data script's update rule written for a function of x and y."""
    text = _NAME.sub(lambda found: _FUNCTION_NAMES[found.group(1)], template)
    for data, function in (("J(", "f("), ("J's", "f's"), ("per parameter", "per coordinate")):
        text = text.replace(data, function)
    return text


_RULES = {name: _function_rule(template) for name, template in DATA_RULES.items()}


def _rule(name: str, options: dict[str, float], scale: float) -> str:
    values = {
        **options,
        "ratio": NEWTON_RATIO,
        "rounding": COST_ROUNDING,
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
