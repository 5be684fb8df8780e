"""Exact answers to compare descent with: the optimum, the curvature, the surface."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gd_explorer.engine.models import CostModel, LinearRegression, LogisticRegression

FloatArray = NDArray[np.float64]
_NAMES = {"m": 0, "slope": 0, "b": 1, "intercept": 1}


#: The spread of x (standard deviation) below which, relative to its size (root mean
#: square), the slope counts as undetermined; see :func:`_flat_x`.
RANK_SPREAD = 1e-12
RANK_TOLERANCE = RANK_SPREAD * RANK_SPREAD

_EIGEN_ROUNDING = 64 * float(np.finfo(np.float64).eps)

#: Logistic fits kept per model (one for each held value the user tried).
_FITS_KEPT = 16


def _fixed(fixed: Mapping[str, float] | None) -> dict[int, float]:
    out: dict[int, float] = {}
    for key, value in (fixed or {}).items():
        if str(key).lower() not in _NAMES:
            raise ValueError(f"only the slope (m) or intercept (b) can be fixed, not {key!r}")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"fixed {key} must be a finite number, got {value}")
        out[_NAMES[str(key).lower()]] = value
    if len(out) == 2:
        raise ValueError("slope and intercept are both fixed: nothing is left to fit")
    return out


@dataclass(frozen=True, slots=True)
class Fit:
    """The exact optimum of a problem's cost.

    ``exists`` is False when no finite optimum exists (perfectly separated
    classes without a penalty); then ``theta`` and ``cost`` are None and
    ``message`` says why. ``unique`` is False when many optima tie.
    """

    theta: tuple[float, float] | None
    cost: float | None
    exists: bool
    unique: bool
    message: str
    iterations: int = 0


def reference_fit(problem: CostModel, fixed: Mapping[str, float] | None = None) -> Fit:
    """Return the exact minimum of ``problem``'s own cost (L2 included).

    Linear: closed form. Logistic: Newton's method with a line search, after
    checking that a finite optimum exists.

    Parameters
    ----------
    problem : CostModel
        The cost.
    fixed : mapping, optional
        Parameters held constant, as in ``DescentConfig.fixed``.
    """
    held = _fixed(fixed)
    if isinstance(problem, LinearRegression):
        return _linear_fit(problem, held)
    if isinstance(problem, LogisticRegression):
        # Newton's method costs O(n) per iteration, and after an edit several views ask for
        # the same fit. A model's data and penalty never change, so its fits are kept.
        key = tuple(sorted(held.items()))
        fits = problem._fits
        fit = fits.get(key)
        if fit is None:
            if len(fits) >= _FITS_KEPT:
                fits.clear()
            fit = fits[key] = _logistic_fit(problem, held)
        return fit
    if problem.kind == "function":
        return _function_fit(problem, held)
    raise TypeError(f"no reference fit for {type(problem).__name__}")


def _function_fit(problem: Any, held: dict[int, float]) -> Fit:
    """Return the lowest known minimum of a function problem (its global minimum)."""
    if held:
        # One coordinate held: the lowest point of f along the other, found from
        # the minima's own coordinates by Newton's method on the one variable.
        return Fit(None, None, False, False, "no exact minimum along a held coordinate")
    minima = problem.minima
    if not minima:
        return Fit(
            None,
            None,
            False,
            False,
            "this function has no minimum in its domain: descent can only fall away",
        )
    lowest = problem.cost(minima[0])
    ties = sum(
        1 for point in minima if abs(problem.cost(point) - lowest) <= 1e-9 * max(1.0, abs(lowest))
    )
    message = (f"the lowest of {len(minima)} minima" if len(minima) > 1 else "the minimum") + (
        f" ({ties} equally low)" if ties > 1 else ""
    )
    return Fit(minima[0], lowest, True, ties == 1, message)


def _flat_x(sxx: float, mean_x2: float, l2: float) -> str | None:
    """Return why the slope is undetermined (x hardly varies), or None if it is not.

    The least-squares (or logistic) problem is rank-deficient when the spread of x is
    negligible against its size: var(x) + l2 ≤ RANK_TOLERANCE · mean(x²), that is a
    standard deviation below 1e-12 of the root mean square. Rounding the mean of a
    million equal values leaves a variance near 1e-31 · x²; a slope read from x that
    differ only in their twelfth digit would multiply the noise in y by 10¹².
    """
    if sxx + l2 > RANK_TOLERANCE * mean_x2:
        return None
    if mean_x2 == 0.0:
        return "every x is 0, so the slope has no effect: the slope is undetermined"
    rms = math.sqrt(mean_x2)
    same = "every x is the same" if sxx == 0.0 else "x hardly varies"
    return (
        f"{same} (spread {math.sqrt(sxx):.3g} against a size of {rms:.3g}, below the "
        f"tolerance {RANK_SPREAD:g} of it), so the slope is undetermined (the problem is "
        "rank-deficient): every line through the mean point fits equally well"
    )


def _out_of_range(fit: Fit) -> Fit:
    """Return ``fit``, or a fit that says its numbers passed the range of doubles."""
    values = (*fit.theta, fit.cost) if fit.theta is not None and fit.cost is not None else ()
    if all(math.isfinite(v) for v in values):
        return fit
    shown = ", ".join(f"{v:.3g}" for v in (fit.theta or ()))
    return Fit(
        None,
        None,
        False,
        False,
        f"the exact minimum ({shown}) lies beyond the range of floating-point numbers: "
        "rescale x or y",
        fit.iterations,
    )


def _linear_fit(problem: LinearRegression, held: dict[int, float]) -> Fit:
    x_mean, y_mean = problem._x_mean, problem._y_mean
    sxx, sxy, l2 = problem._sxx, problem._sxy, problem.l2
    mean_x2 = sxx + x_mean * x_mean
    unique = True
    message = "least squares: the exact minimum"
    if 1 in held:  # slope only: mean(x·(y − b)) / (mean(x²) + l2)
        b = held[1]
        curvature = mean_x2 + l2
        if curvature > 0:
            m = (sxy + x_mean * (y_mean - b)) / curvature
        else:
            m, unique = 0.0, False
            message = "every x is 0, so the slope has no effect: any slope fits equally well"
    elif 0 in held:
        m = held[0]
        b = y_mean - m * x_mean
    else:
        flat = _flat_x(sxx, mean_x2, l2)
        if flat is None:
            m = sxy / (sxx + l2)
        else:
            m, unique = 0.0, False
            message = flat + "; showing the flat one"
        b = y_mean - m * x_mean
    return _out_of_range(Fit((m, b), problem._cost(m, b), True, unique, message))


def _separation(problem: LogisticRegression, held: dict[int, float]) -> str | None:
    """Return why no finite optimum exists, or None if one does."""
    x0, x1 = problem._x0, problem._x1
    free_m, free_b = 0 not in held, 1 not in held
    if free_b and (x0.size == 0 or x1.size == 0):
        only = 1 if x0.size == 0 else 0
        return (
            f"every point is class {only}, so the cost keeps falling as the intercept "
            f"moves {'up' if only else 'down'}: there is no finite best fit"
        )
    if not free_m or problem.l2 > 0:
        return None
    if free_b:
        if x0.max() <= x1.min() or x1.max() <= x0.min():
            low, high = (x0, x1) if x0.max() <= x1.min() else (x1, x0)
            low_class = 0 if low is x0 else 1
            return (
                f"the classes are perfectly separated (every x ≤ {low.max():g} is class "
                f"{low_class}, every x ≥ {high.min():g} is class {1 - low_class}), so the "
                "cost keeps falling as the slope grows: there is no finite best fit. "
                "An L2 penalty or an overlapping point gives one"
            )
        return None
    # Slope only: the cost must rise both as m → +∞ and as m → −∞.
    rises_up = bool((x0 > 0).any() or (x1 < 0).any())
    rises_down = bool((x0 < 0).any() or (x1 > 0).any())
    if rises_up and rises_down:
        return None
    direction = "grows" if not rises_up else "falls"
    return (
        f"with the intercept held at {held[1]:g}, the cost keeps falling as the slope "
        f"{direction} without bound: there is no finite best slope"
    )


def _logistic_fit(problem: LogisticRegression, held: dict[int, float]) -> Fit:
    flat = None
    if not held and problem._x0.size and problem._x1.size:
        x = problem.data.x
        x_mean = float(x.mean())
        dx = x - x_mean
        sxx = float(dx @ dx) / problem.n
        # Both classes at one x are not separated: only m·x̄ + b matters, and it has
        # a finite best value.
        flat = _flat_x(sxx, sxx + x_mean * x_mean, problem.l2)
    reason = None if flat is not None else _separation(problem, held)
    if reason is not None:
        return Fit(None, None, False, False, reason)
    free = [i for i in (0, 1) if i not in held]
    theta = np.array([held.get(0, 0.0), held.get(1, 0.0)])
    cost, gm, gb = problem._evaluate(*theta)
    iterations = 0
    for iterations in range(1, 201):  # noqa: B007 - the count is reported
        grad = np.array([gm, gb])[free]
        hess = problem.hessian(theta)[np.ix_(free, free)]
        try:
            direction = -np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            direction = -grad
        if not np.all(np.isfinite(direction)):
            direction = -grad
        # Far from the optimum σ′ can vanish and Newton's step explode: cap it.
        radius = 10.0 * (1.0 + float(np.abs(theta).max()))
        size = float(np.abs(direction).max())
        if size > radius:
            direction *= radius / size
        slope = float(grad @ direction)
        t = 1.0
        while t > 1e-30:
            trial = theta.copy()
            trial[free] += t * direction
            trial_cost, tgm, tgb = problem._evaluate(*trial)
            if trial_cost <= cost + 1e-4 * t * slope:
                break
            t *= 0.5
        else:
            break  # no decrease is possible in floating point: we are there
        step = float(np.abs(trial - theta).max())
        theta, cost, gm, gb = trial, trial_cost, tgm, tgb
        if step <= 1e-15 * (1.0 + float(np.abs(theta).max())):
            break
    m, b = float(theta[0]), float(theta[1])
    if flat is not None:
        # Only m·x̄ + b matters: Newton's method found one of the tied optima.
        return Fit((m, b), float(cost), True, False, flat, iterations=iterations)
    return _out_of_range(
        Fit(
            (m, b),
            float(cost),
            True,
            True,
            "maximum likelihood: Newton's method",
            iterations=iterations,
        )
    )


@dataclass(frozen=True, slots=True)
class Stability:
    """How curved the cost is, and so which learning rates work.

    For a quadratic cost, plain gradient descent converges exactly when the
    learning rate is below ``max_stable_lr = 2/L``, and fastest at
    ``best_lr = 2/(L + μ)``.
    """

    eigenvalues: FloatArray
    L: float
    mu: float
    condition: float
    max_stable_lr: float
    best_lr: float
    theta: tuple[float, float] | None


def stability(
    problem: CostModel,
    theta: ArrayLike | None = None,
    fixed: Mapping[str, float] | None = None,
) -> Stability:
    """Return the curvature figures of ``problem`` (at ``theta`` for logistic).

    Parameters
    ----------
    problem : CostModel
        The cost.
    theta : (m, b), optional
        Where to measure, for a cost whose curvature varies. Logistic default:
        the optimum, or (0, 0) where none exists.
    fixed : mapping, optional
        Held parameters; the Hessian is then that of the free ones only.
    """
    held = _fixed(fixed)
    free = [i for i in (0, 1) if i not in held]
    point: tuple[float, float] | None = None
    if isinstance(problem, LinearRegression):
        hessian = problem.hessian()
    else:
        if theta is None:
            fit = reference_fit(problem, fixed)
            theta = fit.theta if fit.theta is not None else (0.0, 0.0)
        values = np.asarray(theta, dtype=np.float64).reshape(2).copy()
        if not np.all(np.isfinite(values)):
            raise ValueError(f"the point to measure at must be finite, got {tuple(values)}")
        for index, value in held.items():
            values[index] = value
        point = (float(values[0]), float(values[1]))
        hessian = problem.hessian(values)
    eigenvalues = np.linalg.eigvalsh(hessian[np.ix_(free, free)]).astype(np.float64)
    mu, big = float(eigenvalues[0]), float(eigenvalues[-1])
    # Eigenvalues are found to about ε·L: anything that small is a flat direction
    # (rounding leaves one slightly negative, or slightly positive).
    if mu <= _EIGEN_ROUNDING * abs(big):
        mu = 0.0
    if big <= 0.0:
        return Stability(eigenvalues, big, mu, math.inf, math.inf, math.inf, point)
    return Stability(
        eigenvalues=eigenvalues,
        L=big,
        mu=mu,
        condition=big / mu if mu > 0 else math.inf,
        max_stable_lr=2.0 / big,
        best_lr=2.0 / (big + mu),
        theta=point,
    )


def cost_grid(problem: CostModel, m_values: ArrayLike, b_values: ArrayLike) -> FloatArray:
    """Return ``Z[i, j] = J(m_values[i], b_values[j])``.

    The shape ``GLSurfacePlotItem(x=m_values, y=b_values, z=Z)`` takes. Linear
    costs come from sufficient statistics, so the time does not depend on the
    number of rows; logistic costs are summed in bounded-memory chunks.
    """
    m = np.asarray(m_values, dtype=np.float64)
    b = np.asarray(b_values, dtype=np.float64)
    for values, name in ((m, "slope"), (b, "intercept")):
        if values.ndim != 1 or values.size == 0:
            raise ValueError(f"{name} values must be a non-empty 1-D array")
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{name} values must all be finite")
    # Far from the data a cost may pass the largest double: it is then inf, honestly.
    with np.errstate(over="ignore"):
        return problem.cost_grid(m, b)
