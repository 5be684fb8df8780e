"""Which slopes and intercepts to show: windows that frame a start, a path and an optimum.

No Qt here, so the framing rules can be tested alone and shared by the contour, the
cost curve and the 3-D surface. Numerics beyond a bounding box come from the engine.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gd_explorer.engine import CostModel, reference_fit

#: Extra room past the farthest point, as a fraction of the distance to it.
MARGIN = 0.15
#: A framing reaches at most this many times the size of what it frames (the optimum's
#: distance from 0, the path's extent, or 1) just to show curvature: a nearly flat
#: direction (separated classes) would otherwise zoom out without end.
CURVATURE_CAP = 1.0
#: Room a map leaves past a path it widens to, as a fraction of its new span.
FOLLOW_HEADROOM = 0.25
#: Cost evaluations (rows × grid points) a map may spend on following a path, in the
#: window's thread; larger data are framed anew when the window's state changes.
FOLLOW_WORK = 4_000_000
#: The most points of a path any view draws: enough to look continuous.
MAX_PATH_POINTS = 2048
#: The largest magnitude a view frames or draws. Far enough from the largest double
#: (1.8e308) that a window's width, a margin or a view box's padding cannot overflow.
LIMIT = 1e300
#: The narrowest window, as a fraction of its centre's magnitude. Around a slope of
#: 1e18, a window of ±1 has zero width in floating point; this one still has billions
#: of distinct values across it, enough for any curve, tick or tangent drawn on it.
MIN_RELATIVE_HALF = 1e-6


class Domain(NamedTuple):
    """A window of slopes and intercepts; unpacks as ``(m_min, m_max, b_min, b_max)``."""

    m_min: float
    m_max: float
    b_min: float
    b_max: float

    @property
    def slope(self) -> tuple[float, float]:
        """Return the slope range ``(m_min, m_max)``."""
        return self.m_min, self.m_max

    @property
    def intercept(self) -> tuple[float, float]:
        """Return the intercept range ``(b_min, b_max)``."""
        return self.b_min, self.b_max

    def grid(self, size: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Return ``size`` evenly spaced slopes and intercepts spanning the window.

        Parameters
        ----------
        size : int
            Number of values along each axis.

        Returns
        -------
        tuple of ndarray
            ``(m_values, b_values)``, ready for ``cost_grid``.
        """
        return np.linspace(self.m_min, self.m_max, size), np.linspace(self.b_min, self.b_max, size)


def frame_interval(
    values: ArrayLike,
    centre: float | None = None,
    min_half: float | None = None,
    margin: float = MARGIN,
) -> tuple[float, float]:
    """Return an interval holding every finite value, with a margin.

    Parameters
    ----------
    values : array_like
        Values to frame; non-finite ones are ignored. May be empty.
    centre : float, optional
        Centre the interval here (the optimum, so the bowl sits in the middle).
        Without it the interval is centred on the values.
    min_half : float, optional
        The half-width is at least this (room to see the curvature).
    margin : float
        Extra room past the farthest value, as a fraction of its distance.

    Returns
    -------
    tuple of float
        ``(low, high)`` with ``low < high``, both finite.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    has_centre = centre is not None and math.isfinite(centre)
    if v.size == 0 and not has_centre:
        return -1.0, 1.0
    if has_centre:
        c = float(centre)  # type: ignore[arg-type]
        with np.errstate(over="ignore"):  # ±1e308 either side of the centre: inf, capped below
            half = float(np.max(np.abs(v - c))) if v.size else 0.0
    else:
        low, high = float(v.min()), float(v.max())
        c, half = 0.5 * (low + high), 0.5 * (high - low)
    half *= 1.0 + margin
    if min_half is not None and math.isfinite(min_half):
        half = max(half, min_half)
    if not half > 0.0:  # all values equal and no hint: any honest window will do
        half = max(0.5 * abs(c), 1.0)
    # A window must stay representable and have a width: far beyond LIMIT nothing is
    # drawable anyway, and a window narrower than its centre's rounding has none.
    c = min(max(c, -LIMIT), LIMIT)
    half = min(max(half, MIN_RELATIVE_HALF * abs(c)), LIMIT)
    return c - half, c + half


def drawable(domain: Domain | tuple[float, float, float, float]) -> Domain:
    """Return ``domain`` as a window that can be drawn: finite, within ±``LIMIT``, with width.

    A window from :func:`problem_domain` is returned as it is; one built by hand may
    reach ±1.8e308 (its grid's spacing would overflow) or have no width.

    Parameters
    ----------
    domain : Domain or (m_min, m_max, b_min, b_max)
        The window asked for.

    Returns
    -------
    Domain
        The window to draw.
    """
    m_min, m_max, b_min, b_max = (float(v) for v in domain)
    return Domain(*_drawable_interval(m_min, m_max), *_drawable_interval(b_min, b_max))


def _drawable_interval(low: float, high: float) -> tuple[float, float]:
    ends = [v for v in (low, high) if not math.isnan(v)]
    low, high = (min(ends), max(ends)) if ends else (-1.0, 1.0)
    low, high = min(max(low, -LIMIT), LIMIT), min(max(high, -LIMIT), LIMIT)
    if high - low >= 2.0 * MIN_RELATIVE_HALF * max(abs(low), abs(high)) and high > low:
        return low, high
    return frame_interval([low, high], min_half=1.0, margin=0.0)


def frame_domain(
    points: ArrayLike,
    optimum: tuple[float, float] | None = None,
    min_half: tuple[float, float] | None = None,
    margin: float = MARGIN,
) -> Domain:
    """Return a window that frames ``points`` and ``optimum``, centred on the optimum.

    Parameters
    ----------
    points : array_like, shape (k, 2)
        Slope and intercept of the start and the path so far; may be empty.
    optimum : (m, b), optional
        The exact optimum, put in the middle; None when there is none.
    min_half : (float, float), optional
        Smallest half-widths along slope and intercept.
    margin : float
        Extra room past the farthest point, as a fraction of its distance.

    Returns
    -------
    Domain
        The window.
    """
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    centre = (None, None) if optimum is None else optimum
    hints = (None, None) if min_half is None else min_half
    m_min, m_max = frame_interval(p[:, 0], centre[0], hints[0], margin)
    b_min, b_max = frame_interval(p[:, 1], centre[1], hints[1], margin)
    return Domain(m_min, m_max, b_min, b_max)


def curvature_reach(problem: CostModel, theta: tuple[float, float]) -> tuple[float, float]:
    """Return how far each parameter moves from ``theta`` to raise the cost by a typical cost.

    From the Hessian's diagonal: Δ = sqrt(2·J_typical / J''). A window at least this wide
    shows the bowl's curvature even when the start sits on the optimum.

    Parameters
    ----------
    problem : CostModel
        The cost.
    theta : (m, b)
        Where to measure the curvature.

    Returns
    -------
    tuple of float
        Slope and intercept distances; ``inf`` along a flat direction, 0 for data
        that every line fits perfectly.
    """
    curvature = np.diag(problem.hessian(np.asarray(theta, dtype=np.float64)))
    with np.errstate(divide="ignore"):
        reach = np.sqrt(2.0 * problem.cost_scale() / np.maximum(curvature, 0.0))
    return float(reach[0]), float(reach[1])


def problem_domain(
    problem: CostModel,
    start: tuple[float, float],
    path: ArrayLike | None = None,
    margin: float = MARGIN,
    fixed: Mapping[str, float] | None = None,
) -> Domain:
    """Return the window for a contour or surface: start, path and optimum, and the bowl.

    Centred on the exact optimum when there is one; otherwise on the best point a run
    with ``fixed`` parameters can reach, or on the start and path.
    Each axis is at least as wide as it takes the cost to rise by a typical cost
    (capped, so a flat direction does not zoom out without end).

    Parameters
    ----------
    problem : CostModel
        The cost.
    start : (m, b)
        The starting point.
    path : array_like, shape (k, 2), optional
        The path so far (may be long: only its bounding box is used).
    margin : float
        Extra room past the farthest point.
    fixed : mapping, optional
        Held parameters of the run (as in ``DescentConfig.fixed``): its own best point
        is framed too, which is all there is for perfectly separated classes.

    Returns
    -------
    Domain
        The window.
    """
    if problem.kind == "function":
        return function_domain(problem, start, path)
    points = np.asarray(start, dtype=np.float64).reshape(1, 2)
    if path is not None:
        p = np.asarray(path, dtype=np.float64).reshape(-1, 2)
        if len(p):
            # Column by column: a reduction along axis 0 of an (n, 2) array is ~7× slower.
            box = np.array([[c.min(), c.max()] for c in (p[:, 0], p[:, 1])]).T
            if not np.all(np.isfinite(box)):  # the engine keeps paths finite; be safe anyway
                with np.errstate(invalid="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    box = np.array([np.nanmin(p, axis=0), np.nanmax(p, axis=0)])
            points = np.vstack([points, box])
    fit = reference_fit(problem)
    optimum = fit.theta if fit.exists else None
    if fixed:
        held = reference_fit(problem, fixed)
        if held.theta is not None:
            points = np.vstack([points, held.theta])
            optimum = optimum if optimum is not None else held.theta
    # Beyond ±LIMIT nothing is drawn: clipped, no sum or difference below can overflow.
    points = np.clip(points, -LIMIT, LIMIT)
    if optimum is not None:
        centre = optimum
    else:
        finite_rows = points[np.all(np.isfinite(points), axis=1)]
        centre = tuple(finite_rows.mean(axis=0)) if len(finite_rows) else (0.0, 0.0)
    # Far out (a flight's bounding box) the curvature itself overflows: no hint there.
    with np.errstate(all="ignore"):
        reach = curvature_reach(problem, (float(centre[0]), float(centre[1])))
    finite = points[np.all(np.isfinite(points), axis=1)]
    centre_row = np.reshape(np.asarray(centre, dtype=np.float64), (1, 2))
    extent = np.abs(finite - centre_row).max(axis=0) if len(finite) else np.zeros(2)
    cap = CURVATURE_CAP * np.maximum(np.maximum(np.abs(centre_row[0]), extent), 1.0)
    min_half = (float(min(reach[0], cap[0])), float(min(reach[1], cap[1])))
    return frame_domain(points, optimum, min_half, margin)


def follow_path(domain: Domain, points: ArrayLike) -> Domain | None:
    """Return ``domain`` widened to take in ``points``, or None if they lie inside it.

    A map must frame the path drawn on it: without a finite optimum (separable classes)
    the slope grows for ever and the ball ran off the maps into white space. Each side
    the points reach past grows to them plus ``FOLLOW_HEADROOM`` of the new span, so a
    path that keeps growing has its map recomputed now and then, not at every frame.
    Sides the points do not reach past stay where they are; the window stays within
    ±``LIMIT`` (see :func:`drawable`).

    Parameters
    ----------
    domain : Domain
        The window the map covers now.
    points : array_like, shape (k, 2)
        The paths drawn on it; non-finite rows are left out.

    Returns
    -------
    Domain or None
        The wider window, or None when ``domain`` holds every point.
    """
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    ends = [list(domain.slope), list(domain.intercept)]
    grew = False
    for axis in (0, 1):
        column = p[:, axis]
        column = column[np.isfinite(column)]
        if not len(column):
            continue
        start, stop = ends[axis]
        lo, hi = max(float(column.min()), -LIMIT), min(float(column.max()), LIMIT)
        if lo >= start and hi <= stop:
            continue
        room = FOLLOW_HEADROOM * (max(hi, stop) - min(lo, start))
        if lo < start:
            ends[axis][0] = lo - room
        if hi > stop:
            ends[axis][1] = hi + room
        grew = True
    return drawable(Domain(ends[0][0], ends[0][1], ends[1][0], ends[1][1])) if grew else None


def can_follow(problem: CostModel, grid_points: int) -> bool:
    """Return whether a map of ``problem`` may widen itself to a path (see :func:`follow_path`).

    Not a function's map (its domain is the function's own, and a ball falling away
    from a saddle is not chased), nor one too slow to recompute during a run.

    Parameters
    ----------
    problem : CostModel
        The cost the map shows.
    grid_points : int
        How many points the map samples.

    Returns
    -------
    bool
        True when the map follows the path.
    """
    if problem.kind == "function":
        return False
    # A linear cost's grid comes from sums over the rows, whatever their number.
    rows = 1 if problem.kind == "linear" else max(int(getattr(problem, "n", 1)), 1)
    return rows * grid_points <= FOLLOW_WORK


def function_domain(
    problem: CostModel, start: tuple[float, float], path: ArrayLike | None = None
) -> Domain:
    """Return a function's own domain, widened to take in the start and a path in it.

    A path that flies far out (a divergence, a fall down a saddle) is not followed:
    the surface stays readable and the views say the ball left the picture.
    """
    x0, x1, y0, y1 = problem.domain  # type: ignore[attr-defined]
    points = [np.asarray(start, dtype=np.float64).reshape(2)]
    if path is not None:
        p = np.asarray(path, dtype=np.float64).reshape(-1, 2)
        p = p[np.all(np.isfinite(p), axis=1)]
        if len(p):
            points.extend([p.min(axis=0), p.max(axis=0)])
    width, height = x1 - x0, y1 - y0
    for px, py in points:
        # Widen for points up to one more domain away; beyond that, leave them out.
        if x0 - width <= px < x0:
            x0 = px - MARGIN * width
        if x1 < px <= x1 + width:
            x1 = px + MARGIN * width
        if y0 - height <= py < y0:
            y0 = py - MARGIN * height
        if y1 < py <= y1 + height:
            y1 = py + MARGIN * height
    return Domain(float(x0), float(x1), float(y0), float(y1))


def held_optimum(problem: CostModel, fixed: Mapping[str, float] | None) -> float | None:
    """Return the best slope for the problem, with ``fixed`` held, or None if none exists.

    Parameters
    ----------
    problem : CostModel
        The cost.
    fixed : mapping, optional
        Held parameters, as in ``DescentConfig.fixed``.

    Returns
    -------
    float or None
        The optimum's slope.
    """
    fit = reference_fit(problem, fixed)
    return float(fit.theta[0]) if fit.exists and fit.theta is not None else None


def decimate_path(params: ArrayLike, max_points: int = MAX_PATH_POINTS) -> NDArray[np.float64]:
    """Return at most ``max_points`` rows of a path, always with its first and last.

    Takes every s-th row with s a power of two, so the drawn rows stay the same from
    frame to frame while the path grows (no flicker) until s doubles.

    Parameters
    ----------
    params : array_like, shape (k, d)
        The path: one row per point (slope, intercept and maybe cost).
    max_points : int
        The most rows to return (at least 2).

    Returns
    -------
    ndarray, shape (j, d)
        The rows to draw.
    """
    p = np.asarray(params, dtype=np.float64)
    if p.ndim == 1:
        p = p.reshape(-1, 2)
    if len(p) <= max_points:
        return p
    return p[decimation(len(p), max_points)]


def decimation(n: int, max_points: int = MAX_PATH_POINTS) -> slice | NDArray[np.intp]:
    """Return which of ``n`` rows :func:`decimate_path` keeps, to pick from several arrays.

    Parameters
    ----------
    n : int
        The number of rows.
    max_points : int
        The most rows to keep (at least 2).

    Returns
    -------
    slice or ndarray
        Every row, or every s-th row (s a power of two) and the last.
    """
    if n <= max_points:
        return slice(None)
    stride = 1 << math.ceil(math.log2((n - 1) / (max_points - 2)))
    picked = np.arange(0, n, stride)
    if (n - 1) % stride:
        picked = np.append(picked, n - 1)
    return picked
