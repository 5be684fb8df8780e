"""Problems without data: a function f(x, y) (or f(x)) to minimise, with exact derivatives.

A :class:`FunctionProblem` has the face of a cost model (``cost``, ``gradient``,
``hessian``, ``cost_grid``) on ``theta = (x, y)``, so descent, the analysis and every
view run on it as on data. Its gradient and Hessian are formulas, found by symbolic
differentiation of the parsed text (:mod:`gd_explorer.engine.symbolic`), so they are
exact and can be shown. :data:`SURFACES` holds the classic test functions of
optimisation, each with its known minima and saddles and a domain worth drawing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gd_explorer.engine import symbolic
from gd_explorer.engine.dataset import Dataset
from gd_explorer.engine.models import CostModel, Theta, _theta
from gd_explorer.engine.symbolic import ExpressionError

FloatArray = NDArray[np.float64]
Point = tuple[float, float]
Domain = tuple[float, float, float, float]  # x from, x to, y from, y to

VARIABLES = ("x", "y")
#: Where a typed function is drawn unless told otherwise.
DEFAULT_DOMAIN: Domain = (-5.0, 5.0, -5.0, 5.0)
#: Two stationary points closer than this fraction of the domain's size are one.
SAME_POINT = 1e-6
#: A run whose end lies within this fraction of the domain's size of a minimum reached it.
REACH_FRACTION = 1e-3
#: The search for stationary points takes at most this many operations of a compiled
#: program in all (each a numpy call over the points, a few microseconds): the longest
#: typed formulas have thousands, and the search runs where the window waits for it.
SEARCH_BUDGET = 120_000

_NO_DATA = Dataset(np.array([0.0, 1.0]), np.zeros(2), name="no data")


class FunctionProblem(CostModel):
    """A function of (x, y) to minimise, with exact derivatives found symbolically.

    Parameters
    ----------
    expression : str
        The function, e.g. ``"(1 - x)**2 + 100*(y - x**2)**2"``; x alone makes a
        function of one variable (its y never matters and never moves).
    name : str, optional
        A built-in surface's key in :data:`SURFACES`; empty for a typed function.
    title : str, optional
        How the function is named to a person.
    minima, saddles : sequence of (x, y), optional
        Known points, refined here to full precision by Newton's method. Without
        them (a typed function) they are searched for over the domain.
    domain : (x from, x to, y from, y to), optional
        Where the function is worth drawing.

    Raises
    ------
    ExpressionError
        If the text is not a formula in x and y, or too complicated to differentiate.
    """

    kind = "function"
    cheap_cost = True

    def __init__(
        self,
        expression: str,
        *,
        name: str = "",
        title: str = "",
        minima: Sequence[Point] | None = None,
        saddles: Sequence[Point] | None = None,
        domain: Domain | None = None,
    ) -> None:
        # No data: the base class's fields get harmless stand-ins.
        super().__init__(_NO_DATA)
        self.n = 0
        self.expression = symbolic.parse(expression, VARIABLES)
        self.text = expression.strip()
        self.name = name
        self.title = title or self.text
        used = symbolic.variables_of(self.expression)
        #: 1 for a function of x alone, else 2.
        self.dimension = 1 if used <= {"x"} else 2
        if used == {"y"}:
            self.dimension = 2
        self.gradient_formulas = symbolic.gradient(self.expression, VARIABLES)
        self.hessian_formulas = symbolic.hessian(self.expression, VARIABLES)
        (fx, fy), ((fxx, fxy), (_, fyy)) = self.gradient_formulas, self.hessian_formulas
        self._value = symbolic.compile([self.expression], VARIABLES)
        self._first = symbolic.compile([self.expression, fx, fy], VARIABLES)
        self._second = symbolic.compile([fxx, fxy, fyy], VARIABLES)
        # Newton's method needs both at once: their shared parts are computed once.
        self._newton_terms = symbolic.compile([fx, fy, fxx, fxy, fyy], VARIABLES)
        self.domain = _domain(domain if domain is not None else DEFAULT_DOMAIN)
        self._given = (
            tuple(map(_point, minima)) if minima is not None else None,
            tuple(map(_point, saddles)) if saddles is not None else None,
        )
        self._points: tuple[tuple[Point, ...], tuple[Point, ...]] | None = None
        self._scale: float | None = None

    def __repr__(self) -> str:
        return f"FunctionProblem({self.text!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its text on the other side (a run in another process).
        return _rebuild, (self.text, self.name, self.title, self.domain, self._points, self._given)

    # The formulas, as a person reads them.

    @property
    def formula(self) -> str:  # type: ignore[override]
        """Return f written as a person writes it."""
        return symbolic.pretty(self.expression)

    def gradient_text(self) -> tuple[str, str]:
        """Return ∂f/∂x and ∂f/∂y, written out."""
        return tuple(symbolic.pretty(g) for g in self.gradient_formulas)  # type: ignore[return-value]

    def hessian_text(self) -> tuple[tuple[str, str], tuple[str, str]]:
        """Return the second derivatives, written out, as a 2×2 matrix."""
        (a, b), (c, d) = self.hessian_formulas
        return (
            (symbolic.pretty(a), symbolic.pretty(b)),
            (symbolic.pretty(c), symbolic.pretty(d)),
        )

    # Public, array-based face.

    def gradient(self, theta: Theta, rows: ArrayLike | None = None) -> FloatArray:
        """Return (∂f/∂x, ∂f/∂y) at ``theta``; a function has no rows to sample."""
        if rows is not None:
            raise ValueError("a function has no data rows: its gradient is always the full one")
        x, y = _theta(theta)
        return np.array(self._full_gradient(x, y))

    def hessian(self, theta: Theta) -> FloatArray:
        """Return the exact 2×2 matrix of second derivatives at ``theta``."""
        x, y = _theta(theta)
        fxx, fxy, fyy = (float(v) for v in self._second(x, y))
        return np.array([[fxx, fxy], [fxy, fyy]])

    def values(self, x: ArrayLike, y: ArrayLike) -> FloatArray:
        """Return f at points (broadcast); nan where f is undefined or overflows."""
        xs, ys = np.broadcast_arrays(
            np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        )
        (value,) = self._value(xs, ys)
        out = np.array(np.broadcast_to(value, xs.shape), dtype=np.float64)
        out[~np.isfinite(out)] = np.nan
        return out

    def derivatives(self, x: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Return f, ∂f/∂x and ∂f/∂y at points (broadcast, not cleaned of inf or nan)."""
        xs, ys = np.broadcast_arrays(
            np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        )
        return tuple(  # type: ignore[return-value]
            np.broadcast_to(v, xs.shape) for v in self._first(xs, ys)
        )

    def second_derivatives(
        self, x: ArrayLike, y: ArrayLike
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Return ∂²f/∂x², ∂²f/∂x∂y and ∂²f/∂y² at points (broadcast)."""
        xs, ys = np.broadcast_arrays(
            np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        )
        return tuple(  # type: ignore[return-value]
            np.broadcast_to(v, xs.shape) for v in self._second(xs, ys)
        )

    def cost_grid(self, m_values: FloatArray, b_values: FloatArray) -> FloatArray:
        """Return ``Z[i, j] = f(x[i], y[j])``; nan where f is undefined."""
        xs = np.asarray(m_values, dtype=np.float64)[:, None]
        ys = np.asarray(b_values, dtype=np.float64)[None, :]
        return self.values(xs, ys)

    def cost_scale(self) -> float:
        """Return the typical size of f over the domain (to judge a blow-up)."""
        if self._scale is None:
            x0, x1, y0, y1 = self.domain
            grid = self.cost_grid(np.linspace(x0, x1, 21), np.linspace(y0, y1, 21))
            finite = np.abs(grid[np.isfinite(grid)])
            self._scale = max(1.0, float(np.median(finite))) if finite.size else 1.0
        return self._scale

    # Scalar fast path for the descent loop.

    def _cost(self, m: float, b: float) -> float:
        (value,) = self._value(m, b)
        return float(value)

    def _evaluate(self, m: float, b: float) -> tuple[float, float, float]:
        value, gx, gy = self._first(m, b)
        return float(value), float(gx), float(gy)

    def _full_gradient(self, m: float, b: float) -> tuple[float, float]:
        _, gx, gy = self._first(m, b)
        return float(gx), float(gy)

    def _row_gradient(self, m: float, b: float, rows: NDArray[np.intp]) -> tuple[float, float]:
        raise ValueError("a function has no data rows: descend on it with variant 'batch'")

    _one_row_gradient = _row_gradient  # type: ignore[assignment]

    def _row_loss(self, m: float, b: float, rows: NDArray[np.intp]) -> float:
        raise ValueError("a function has no data rows: descend on it with variant 'batch'")

    _one_row_loss = _row_loss  # type: ignore[assignment]

    # Stationary points.

    @property
    def minima(self) -> list[Point]:
        """Return the minima, lowest first (the global minimum is ``minima[0]``)."""
        return list(self._stationary()[0])

    @property
    def saddles(self) -> list[Point]:
        """Return the saddle points."""
        return list(self._stationary()[1])

    def _stationary(self) -> tuple[tuple[Point, ...], tuple[Point, ...]]:
        if self._points is None:
            given_minima, given_saddles = self._given
            if given_minima is None:
                found_minima, found_saddles = find_stationary_points(self)
                minima = _refined(self, found_minima)
                saddles = _refined(self, found_saddles if given_saddles is None else given_saddles)
            else:
                minima = _refined(self, given_minima)
                saddles = _refined(self, given_saddles or ())
            # Lowest first; equally low minima keep the order they were given in.
            minima.sort(key=lambda p: round(self._cost(*p), 9))
            self._points = (tuple(minima), tuple(saddles))
        return self._points

    def span(self) -> float:
        """Return the size of the domain (the longer side; the x side in 1-D)."""
        x0, x1, y0, y1 = self.domain
        return max(x1 - x0, 0.0 if self.dimension == 1 else y1 - y0)

    def reached(self, theta: Theta, tolerance: float | None = None) -> int | None:
        """Return the index of the minimum ``theta`` lies at, or None.

        Parameters
        ----------
        theta : (x, y)
            Where a run ended.
        tolerance : float, optional
            How near counts, by default :data:`REACH_FRACTION` of the domain's size.
        """
        return self._nearest(theta, self.minima, tolerance)

    def at_saddle(self, theta: Theta, tolerance: float | None = None) -> int | None:
        """Return the index of the saddle ``theta`` lies at, or None (as :meth:`reached`)."""
        return self._nearest(theta, self.saddles, tolerance)

    def _nearest(
        self, theta: Theta, points: Sequence[Point], tolerance: float | None
    ) -> int | None:
        x, y = _theta(theta)
        limit = REACH_FRACTION * self.span() if tolerance is None else tolerance
        best, nearest = None, math.inf
        for index, (mx, my) in enumerate(points):
            distance = abs(x - mx) if self.dimension == 1 else math.hypot(x - mx, y - my)
            if distance <= limit and distance < nearest:
                best, nearest = index, distance
        return best

    def describe_reached(self, theta: Theta) -> str | None:
        """Return e.g. "reached minimum 3 of 4 at (3.58, −1.85)", or None."""
        index = self.reached(theta)
        if index is None:
            return None
        x, y = self.minima[index]
        count = len(self.minima)
        which = "the minimum" if count == 1 else f"minimum {index + 1} of {count}"
        where = f"x = {x:.3g}" if self.dimension == 1 else f"({x:.3g}, {y:.3g})"
        return f"reached {which} at {where}".replace("-", "−")

    def describe_stop(self, theta: Theta) -> str | None:
        """Say which stationary point ``theta`` lies at: a minimum, or a saddle; else None.

        A run that stops on a saddle (from exactly on its axis) has a zero gradient as at
        a minimum: "stopped at the saddle at (0, 0), which is not a minimum".
        """
        reached = self.describe_reached(theta)
        if reached is not None:
            return reached
        index = self.at_saddle(theta)
        if index is None:
            return None
        x, y = self.saddles[index]
        count = len(self.saddles)
        which = "the saddle" if count == 1 else f"saddle {index + 1} of {count}"
        where = f"x = {x:.3g}" if self.dimension == 1 else f"({x:.3g}, {y:.3g})"
        return f"stopped at {which} at {where}, which is not a minimum".replace("-", "−")


def _rebuild(
    text: str,
    name: str,
    title: str,
    domain: Domain,
    points: tuple[tuple[Point, ...], tuple[Point, ...]] | None,
    given: tuple[Any, Any],
) -> FunctionProblem:
    problem = FunctionProblem(
        text, name=name, title=title, domain=domain, minima=given[0], saddles=given[1]
    )
    problem._points = points
    return problem


def _point(point: Sequence[float]) -> Point:
    x, y = (float(v) for v in point)
    return x, y


def _domain(domain: Sequence[float]) -> Domain:
    x0, x1, y0, y1 = (float(v) for v in domain)
    if not all(math.isfinite(v) for v in (x0, x1, y0, y1)) or x0 >= x1 or y0 >= y1:
        raise ValueError(
            f"a domain is (x from, x to, y from, y to) with from < to, got {tuple(domain)}"
        )
    return x0, x1, y0, y1


def _newton(
    problem: FunctionProblem, x: FloatArray, y: FloatArray, iterations: int = 60
) -> tuple[FloatArray, FloatArray]:
    """Return Newton's method on ∇f = 0 from each (x, y), vectorised over the points.

    Newton's method finds stationary points of every kind (minima, saddles, maxima).
    Where the Hessian is singular (a valley of minima such as (x − y)²) a point steps
    along the gradient to the lowest point of the quadratic model in that direction,
    at most a tenth of the domain; where that model has no lowest point, a small step.
    """
    x, y = x.astype(np.float64).copy(), y.astype(np.float64).copy()
    longest = 0.1 * max(problem.span(), 1e-300)
    iterations = min(iterations, max(12, SEARCH_BUDGET // len(problem._newton_terms.code)))
    # Points that have stopped moving (or left the domain) drop out: on the longest
    # formulas an iteration over all the points costs tens of milliseconds.
    active = np.arange(x.size)
    settled = 1e-15 * max(problem.span(), 1.0)
    with np.errstate(all="ignore"):
        for _ in range(iterations):
            if not active.size:
                break
            xa, ya = x[active], y[active]
            gx, gy, a, c, d = (np.broadcast_to(v, xa.shape) for v in problem._newton_terms(xa, ya))
            det = a * d - c * c
            ok = np.abs(det) > 1e-12 * (a * a + d * d + c * c + 1e-300)
            if problem.dimension == 1:
                ok = np.abs(a) > 1e-12
                dx = np.where(ok, gx / np.where(ok, a, 1.0), 0.01 * gx)
                dy = np.zeros_like(dx)
            else:
                safe = np.where(ok, det, 1.0)
                curvature = gx * (a * gx + c * gy) + gy * (c * gx + d * gy)
                size = np.hypot(gx, gy)
                along = np.where(
                    curvature > 0.0,
                    np.minimum(
                        size * size / np.where(curvature > 0.0, curvature, 1.0),
                        longest / np.maximum(size, 1e-300),
                    ),
                    0.01,
                )
                dx = np.where(ok, (d * gx - c * gy) / safe, along * gx)
                dy = np.where(ok, (a * gy - c * gx) / safe, along * gy)
            x[active], y[active] = xa - dx, ya - dy
            moved = np.hypot(dx, dy)
            active = active[np.isfinite(moved) & (moved > settled * (1.0 + np.hypot(xa, ya)))]
    return x, y


def _refined(problem: FunctionProblem, points: Sequence[Point]) -> list[Point]:
    """Return ``points`` polished by Newton's method (each stays its own point)."""
    if not points:
        return []
    start = np.array(points, dtype=np.float64)
    x, y = _newton(problem, start[:, 0], start[:, 1], iterations=20)
    refined = []
    for (x0, y0), x1, y1 in zip(points, x, y, strict=True):
        near = math.hypot(x1 - x0, y1 - y0) <= 0.01 * max(problem.span(), 1.0)
        refined.append((float(x1), float(y1)) if near and math.isfinite(x1 + y1) else (x0, y0))
    if problem.dimension == 1:
        refined = [(x, 0.0) for x, _ in refined]
    return refined


def find_stationary_points(
    problem: FunctionProblem, per_side: int = 24
) -> tuple[list[Point], list[Point]]:
    """Return the minima and saddles found by Newton's method from a grid over the domain.

    A search, not a proof: a minimum narrower than the grid's spacing may be missed, and
    so is one where f has no derivative (the tip of sqrt(x² + y²)); on the longest
    formulas Newton's method takes fewer steps (:data:`SEARCH_BUDGET`), so a start far
    from every stationary point may find none. Where the Hessian
    decides (no eigenvalue near zero) it classifies a point; elsewhere (the flat bottom
    of x⁴ + y⁴, the monkey saddle) the values of f on a small circle around it do. A
    flat bottom, where Newton's method creeps, or a valley of equally low points (the
    circle of (x² + y² − 4)²) is reported once, at its lowest point found.
    """
    x0, x1, y0, y1 = problem.domain
    xs = np.linspace(x0, x1, per_side)
    ys = np.linspace(y0, y1, per_side) if problem.dimension == 2 else np.array([0.0])
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    x, y = _newton(problem, gx.ravel(), gy.ravel())
    f, fx, fy = problem.derivatives(x, y)
    span = problem.span()
    with np.errstate(all="ignore"):
        size = np.hypot(fx, fy if problem.dimension == 2 else 0.0)
        inside = (x >= x0) & (x <= x1) & ((y >= y0) & (y <= y1) | (problem.dimension == 1))
        scale = 1e-7 * (problem.cost_scale() + 1.0) / max(span, 1e-300)
        # A derivative may have a value where f has none (0·log(x) at x < 0): f decides.
        stationary = inside & np.isfinite(f) & np.isfinite(size) & (size <= scale)
    index = np.flatnonzero(stationary)
    x, y = x[index], (y[index] if problem.dimension == 2 else np.zeros(index.size))
    kinds, flat = _classify(problem, x, y)
    spacing = span / max(per_side - 1, 1)
    minima = _distinct(problem, x, y, (kinds == "min"), flat, spacing)
    saddles = _distinct(problem, x, y, (kinds == "saddle"), flat, spacing)
    return minima, saddles


def _classify(
    problem: FunctionProblem, x: FloatArray, y: FloatArray
) -> tuple[NDArray[np.str_], NDArray[np.bool_]]:
    """Return each stationary point's kind ("min", "saddle" or "other"), and which are flat.

    A point is flat when its Hessian has an eigenvalue too near zero to decide; then f
    on a small circle around it decides.
    """
    a, c, d = (np.asarray(v, dtype=np.float64) for v in problem.second_derivatives(x, y))
    kinds = np.full(x.shape, "other", dtype="<U6")
    # An infinite or undefined curvature (the tip of y**1.5) decides nothing: the
    # comparisons below are all False for nan.
    with np.errstate(all="ignore"):
        if problem.dimension == 1:
            low, high = a, a
        else:
            mean, half = (a + d) / 2, np.hypot((a - d) / 2, c)
            low, high = mean - half, mean + half
        tiny = 1e-6 * np.maximum(np.abs(low), np.abs(high))
        reference = (problem.cost_scale() + 1.0) / max(problem.span(), 1e-300) ** 2
        tiny = np.maximum(tiny, 1e-9 * reference)
        decided = (np.abs(low) > tiny) & (np.abs(high) > tiny)
        # One curvature clearly negative and one clearly positive decide a saddle.
        saddle = (low < -tiny) & (high > tiny)
    kinds[decided & (low > 0)] = "min"
    if problem.dimension == 2:
        kinds[saddle] = "saddle"
    flat = ~decided & ~saddle
    if flat.any():
        kinds[flat] = _kind_around(problem, x[flat], y[flat])
    return kinds, flat


def _kind_around(problem: FunctionProblem, x: FloatArray, y: FloatArray) -> NDArray[np.str_]:
    """Classify points by f on a circle around each (two points on a line in 1-D)."""
    radius = 1e-3 * max(problem.span(), 1e-300)
    if problem.dimension == 1:
        dx, dy = np.array([-radius, radius]), np.zeros(2)
    else:
        angles = np.linspace(0.0, 2 * np.pi, 24, endpoint=False)
        dx, dy = radius * np.cos(angles), radius * np.sin(angles)
    centre = problem.values(x, y)[:, None]
    around = problem.values(x[:, None] + dx, y[:, None] + dy)
    with np.errstate(all="ignore"):
        largest = np.where(np.isnan(around), 0.0, np.abs(around)).max(axis=1, keepdims=True)
        size = np.fmax(np.abs(centre), largest)
        tolerance = 1e-12 * size + 1e-300
        rise = around - centre
        below = np.any(rise < -tolerance, axis=1)
        above = np.any(rise > tolerance, axis=1)
    kinds = np.full(x.shape, "other", dtype="<U6")
    kinds[above & ~below] = "min"
    if problem.dimension == 2:
        kinds[above & below] = "saddle"
    return kinds


def _distinct(
    problem: FunctionProblem,
    x: FloatArray,
    y: FloatArray,
    chosen: NDArray[np.bool_],
    flat: NDArray[np.bool_],
    spacing: float,
) -> list[Point]:
    """Return the chosen points with duplicates merged, lowest first within a group.

    Points the Hessian decided are one when they are closer than :data:`SAME_POINT`
    of the domain. Flat ones are one when a chain of them, each within two grid
    spacings of the next, joins them at the same height: a flat bottom or a valley.
    """
    span = problem.span()
    points: list[Point] = []
    sharp = np.flatnonzero(chosen & ~flat)
    for i in sharp:
        point = (float(x[i]), float(y[i]))
        if all(math.hypot(point[0] - p[0], point[1] - p[1]) > SAME_POINT * span for p in points):
            points.append(point)
    loose = np.flatnonzero(chosen & flat)
    if loose.size:
        values = problem.values(x[loose], y[loose])
        height = 1e-9 * (problem.cost_scale() + 1.0)
        group = np.arange(loose.size)
        near = np.hypot(x[loose][:, None] - x[loose], y[loose][:, None] - y[loose]) <= 2 * spacing
        near &= np.abs(values[:, None] - values) <= height
        # Join the groups of neighbours until nothing changes (a chain along a valley).
        while True:
            joined = np.where(near, group[None, :], loose.size).min(axis=1)
            joined = np.minimum(joined, group)
            if np.array_equal(joined, group):
                break
            group = joined[joined]
        x0, x1, y0, y1 = problem.domain
        middle = ((x0 + x1) / 2, (y0 + y1) / 2 if problem.dimension == 2 else 0.0)
        for label in np.unique(group):
            members, heights = loose[group == label], values[group == label]
            if np.isfinite(heights).any():
                members = members[heights <= np.nanmin(heights) + height]
            # Equally low points of a valley: the one nearest the middle stands for it.
            best = members[np.argmin(np.hypot(x[members] - middle[0], y[members] - middle[1]))]
            point = (float(x[best]), float(y[best]))
            if all(
                math.hypot(point[0] - p[0], point[1] - p[1]) > SAME_POINT * span for p in points
            ):
                points.append(point)
    return points


# --------------------------------------------------------------------------- surfaces


@dataclass(frozen=True)
class Surface:
    """A built-in test function: how to build it and what to call it."""

    name: str
    title: str
    expression: str
    domain: Domain
    minima: tuple[Point, ...]
    saddles: tuple[Point, ...] = ()
    start: Point = (0.0, 0.0)
    #: A learning rate at which plain gradient descent behaves from ``start``.
    learning_rate: float = 0.01
    note: str = ""

    def problem(self) -> FunctionProblem:
        """Return the surface as a problem (parsed and differentiated anew)."""
        return FunctionProblem(
            self.expression,
            name=self.name,
            title=self.title,
            minima=self.minima,
            saddles=self.saddles,
            domain=self.domain,
        )


def bowl_expression(condition: float = 10.0, rotation: float = 30.0) -> str:
    """Return the quadratic bowl ½(u² + κ v²) turned by ``rotation`` degrees.

    Its Hessian has eigenvalues 1 and κ (the condition number), so plain gradient
    descent is stable below 2/κ and needs about κ steps per factor e of progress.
    """
    condition = float(condition)
    if not (math.isfinite(condition) and 1.0 <= condition <= 1000.0):
        raise ValueError(f"the bowl's condition number must be 1 … 1000, got {condition:g}")
    angle = math.radians(float(rotation))
    if not math.isfinite(angle):
        raise ValueError("the bowl's rotation must be a finite number of degrees")
    c, s = round(math.cos(angle), 12), round(math.sin(angle), 12)
    u = f"({c!r}*x + {s!r}*y)"
    v = f"({-s!r}*x + {c!r}*y)"
    return f"0.5*({u}**2 + {condition!r}*{v}**2)"


def bowl(condition: float = 10.0, rotation: float = 30.0) -> FunctionProblem:
    """Return the quadratic bowl with condition number ``condition`` (1 … 1000)."""
    return FunctionProblem(
        bowl_expression(condition, rotation),
        name="bowl",
        title=f"Quadratic bowl (condition {condition:g}, turned {rotation:g}°)",
        minima=[(0.0, 0.0)],
        saddles=[],
        domain=(-3.0, 3.0, -3.0, 3.0),
    )


def _rastrigin_minima() -> tuple[Point, ...]:
    # A local minimum next to every point of whole numbers in the domain.
    return tuple((float(i), float(j)) for i in range(-5, 6) for j in range(-5, 6))


_SURFACES = (
    Surface(
        "bowl",
        "Quadratic bowl",
        bowl_expression(),
        (-3.0, 3.0, -3.0, 3.0),
        ((0.0, 0.0),),
        start=(-2.5, 1.5),
        learning_rate=0.1,
        note="½(u² + κv²) in turned axes: κ is the condition number",
    ),
    Surface(
        "rosenbrock",
        "Rosenbrock's valley",
        "(1 - x)**2 + 100*(y - x**2)**2",
        (-2.0, 2.0, -1.0, 3.0),
        ((1.0, 1.0),),
        start=(-1.5, 2.0),
        learning_rate=0.001,
        note="a long curved valley: easy to reach, slow to follow",
    ),
    Surface(
        "himmelblau",
        "Himmelblau's function",
        "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
        (-5.0, 5.0, -5.0, 5.0),
        ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)),
        (
            (0.086677, 2.884254),
            (-3.073026, -0.081353),
            (3.385154, 0.073852),
            (-0.127961, -1.953715),
        ),
        start=(0.0, 0.0),
        learning_rate=0.01,
        note="four minima of equal height: the start decides which one",
    ),
    Surface(
        "beale",
        "Beale's function",
        "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
        (-4.5, 4.5, -4.5, 4.5),
        ((3.0, 0.5),),
        ((0.0, 1.0),),
        start=(1.0, 1.5),
        learning_rate=0.001,
        note="flat plateaus and steep walls",
    ),
    Surface(
        "booth",
        "Booth's function",
        "(x + 2*y - 7)**2 + (2*x + y - 5)**2",
        (-10.0, 10.0, -10.0, 10.0),
        ((1.0, 3.0),),
        start=(-8.0, -6.0),
        learning_rate=0.05,
        note="a tilted quadratic bowl",
    ),
    Surface(
        "matyas",
        "Matyas function",
        "0.26*(x**2 + y**2) - 0.48*x*y",
        (-10.0, 10.0, -10.0, 10.0),
        ((0.0, 0.0),),
        start=(-8.0, 6.0),
        learning_rate=0.5,
        note="a flat, narrow, diagonal valley",
    ),
    Surface(
        "three-hump-camel",
        "Three-hump camel",
        "2*x**2 - 1.05*x**4 + x**6/6 + x*y + y**2",
        (-2.5, 2.5, -2.5, 2.5),
        ((0.0, 0.0), (1.747552, -0.873776), (-1.747552, 0.873776)),
        ((1.070173, -0.535087), (-1.070173, 0.535087)),
        start=(2.0, -2.0),
        learning_rate=0.02,
        note="one global and two local minima",
    ),
    Surface(
        "saddle",
        "Saddle x² − y²",
        "x**2 - y**2",
        (-2.0, 2.0, -2.0, 2.0),
        (),
        ((0.0, 0.0),),
        start=(-1.8, 0.001),
        learning_rate=0.05,
        note="no minimum: descent slows near the saddle, then falls away",
    ),
    Surface(
        "monkey-saddle",
        "Monkey saddle",
        "x**3 - 3*x*y**2",
        (-1.5, 1.5, -1.5, 1.5),
        (),
        ((0.0, 0.0),),
        start=(1.2, 0.3),
        learning_rate=0.02,
        note="a saddle with three valleys (room for a monkey's tail)",
    ),
    Surface(
        "rastrigin",
        "Rastrigin's function",
        "20 + x**2 - 10*cos(2*pi*x) + y**2 - 10*cos(2*pi*y)",
        (-5.12, 5.12, -5.12, 5.12),
        _rastrigin_minima(),
        start=(3.3, -2.4),
        learning_rate=0.002,
        note="a bowl covered in dents: a local minimum near every whole-number point",
    ),
    Surface(
        "double-well",
        "Double well (one variable)",
        "(x**2 - 1)**2 + 0.3*x",
        (-2.0, 2.0, -1.0, 1.0),
        ((-1.0, 0.0), (1.0, 0.0)),
        start=(1.6, 0.0),
        learning_rate=0.02,
        note="two valleys, one deeper: gradient descent keeps to the one it starts in",
    ),
)

#: The built-in surfaces by name, in the order a menu lists them.
SURFACE_INFO: dict[str, Surface] = {surface.name: surface for surface in _SURFACES}


class _Surfaces(dict[str, FunctionProblem]):
    """Built-in surfaces by name, each problem built (parsed, refined) on first use."""

    def __missing__(self, name: str) -> FunctionProblem:
        if name not in SURFACE_INFO:
            known = ", ".join(SURFACE_INFO)
            raise KeyError(f"no surface named {name!r}; the surfaces are {known}")
        problem = self[name] = SURFACE_INFO[name].problem()
        return problem

    def __contains__(self, name: object) -> bool:
        return name in SURFACE_INFO

    def __iter__(self) -> Any:
        return iter(SURFACE_INFO)

    def __len__(self) -> int:
        return len(SURFACE_INFO)

    def keys(self) -> Any:
        return SURFACE_INFO.keys()

    def items(self) -> Any:
        return ((name, self[name]) for name in SURFACE_INFO)

    def values(self) -> Any:
        return (self[name] for name in SURFACE_INFO)


#: name → :class:`FunctionProblem`; each has ``minima`` (and ``saddles``, ``domain``).
SURFACES: dict[str, FunctionProblem] = _Surfaces()


def function_problem(
    expression: str, domain: Domain | None = None, *, title: str = ""
) -> FunctionProblem:
    """Return the problem of minimising a typed function of x and y (or of x alone).

    Its gradient and Hessian are exact formulas found by symbolic differentiation;
    its minima and saddles are searched for over ``domain``.

    Raises
    ------
    ExpressionError
        With the column of what is wrong, for text that is not such a formula.
    """
    return FunctionProblem(expression, title=title, domain=domain)


__all__ = [
    "DEFAULT_DOMAIN",
    "SURFACES",
    "SURFACE_INFO",
    "ExpressionError",
    "FunctionProblem",
    "Surface",
    "bowl",
    "bowl_expression",
    "find_stationary_points",
    "function_problem",
]
