"""The cost J(m) at the current intercept, with the ball, its trail and the tangent.

In a race the curve is the slice of the cost at the selected run's intercept (its held
intercept for a slope-only run), and every run has its ball and trail on it in its own
colour; the tangent is the selected run's. A run whose intercept differs from the
slice's by more than a sliver of the plot's height has its ball drawn *hollow* at its own
slope on the shown slice — where it would be if its intercept were the slice's — and the
title says whose slice it is, so no ball claims a cost it does not have.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from numpy.typing import ArrayLike, NDArray
from PySide6.QtWidgets import QWidget

from gd_explorer.engine import CostModel, cost_grid, reference_fit
from gd_explorer.framing import (
    CURVATURE_CAP,
    curvature_reach,
    decimate_path,
    frame_interval,
    function_domain,
)
from gd_explorer.scene import MAX_RUNS, RunTrace, Scene
from gd_explorer.ui import style
from gd_explorer.ui.views.history import format_number
from gd_explorer.ui.views.items import Layer, Marker, MarkerTrail, ViewFrame, fit_title

OBJECT_NAME = "costCurvePlot"

#: Slopes at which the curve is evaluated.
CURVE_POINTS = 400
#: Large logistic data: each point of the curve is a pass over every row, so the curve
#: gets about this many row evaluations, in no fewer than ``MIN_CURVE_POINTS`` points
#: (a convex curve that many chords draw is smooth on any screen).
CURVE_WORK = 4_000_000
MIN_CURVE_POINTS = 80
#: Recent positions drawn behind the ball.
TRAIL_LENGTH = 30
#: Of those, how many get a marker for a run that is not the selected one: each marker
#: is an item to paint, and a race must not cost four times one run's painting.
OTHER_TRAIL_MARKERS = 10
#: A logistic curve costing more than this many row evaluations is redrawn only when the
#: intercept has moved by more than ``B_TOLERANCE`` of the distance that changes the cost
#: by a typical cost (the difference is then far below a pixel).
CURVE_BUDGET = 200_000
B_TOLERANCE = 0.01
#: Room kept above and below the curve when the view moves, as a fraction of its height:
#: a curve that follows a learned intercept moves the axes now and then, not every frame.
Y_HEADROOM = 0.1
#: Half the tangent's length, as a fraction of the plot's width and height.
TANGENT_REACH = 0.14
READOUT_SIZE = "13pt"
#: Dark, so the red ball and the cyan tangent stand out on it.
CURVE_COLOUR = "#303030"
#: The tangent's colour, darkened so it reads as text on white.
READOUT_TANGENT = "#0e7c86"
#: Another run's ball is drawn solid (on the slice) when its own cost and the slice's cost
#: at its slope differ by at most this fraction of the curve's height: less than a pixel.
ON_SLICE = 0.002
BALL_SIZE = style.MARKER_SIZE + 5


def _trail_looks(colour: object) -> list[list[tuple[str, float, None, tuple[int, ...]]]]:
    """Return the trail's markers, older ones smaller and fainter, in ``colour``."""
    c = pg.mkColor(colour)
    return [
        [("o", float(size), None, (c.red(), c.green(), c.blue(), int(255 * a)))]
        for size, a in zip(
            np.linspace(6, 12, TRAIL_LENGTH), np.linspace(0.15, 0.9, TRAIL_LENGTH), strict=True
        )
    ]


class CostCurveView(pg.PlotWidget):
    """J(slope) with the intercept at its current value, and the ball rolling on it.

    The tangent at the ball has the slope dJ/dm of the full cost: the derivative a
    batch step uses. Passive: ``set_*`` methods only draw.

    Parameters
    ----------
    parent : QWidget, optional
        The parent widget.

    Attributes
    ----------
    curve, trail_line, tangent : pg.PlotCurveItem
        The drawn lines, exposed for tests and screenshots.
    trail : MarkerTrail
        The markers behind the ball.
    ball : Marker
        The ball; ``getData()`` gives its position as a scatter's would.
    run_balls, run_trails, run_trail_lines : list
        One per run slot: the ball (a :class:`Marker`, hollow off the slice), trail
        markers and trail line of each run that is not the selected one; hidden for
        the selected slot and unused slots.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=style.current_theme().background)
        self.setObjectName(OBJECT_NAME)
        self.setAccessibleName("cost against slope, with the ball and the tangent")
        style.style_plot(self, "slope m", "cost J")
        self._problem: CostModel | None = None
        self._function = False  # a function of x and y: the slice is f(x, y at the ball)
        self._fixed_b: float | None = None
        self._centre: float | None = None  # the optimum's slope: the curve is centred on it
        self._min_half = 1.0
        self._b_reach = math.inf
        self._default_b = 0.0
        self._params = np.empty((0, 2))
        self._index: int | None = None
        self._curve_b = math.nan
        self._curve_range = (math.nan, math.nan)
        self.m_values = np.empty(0)
        self.cost_values = np.empty(0)

        self._shown: tuple[object, ...] | None = None  # what _redraw drew last
        self._marker_scale = 1.0
        self._others: tuple[RunTrace, ...] = ()
        self._run_slot = 0  # the selected run's slot
        self._race = False  # more than one run: trails in the runs' colours
        self._label = ""  # the selected run's, named in the title during a race
        self._hollow: list[bool | None] = [None] * MAX_RUNS  # how each slot's ball is drawn

        self.curve = pg.PlotCurveItem(
            pen=pg.mkPen(CURVE_COLOUR, width=style.LINE_WIDTH - 1), connect="finite"
        )
        self.trail_line = pg.PlotCurveItem(pen=pg.mkPen(style.TRAIL, width=1.5))
        # Older positions smaller and fainter.
        colour = pg.mkColor(style.TRAIL)
        self.trail = MarkerTrail(
            [
                [("o", size, None, (colour.red(), colour.green(), colour.blue(), int(255 * a)))]
                for size, a in zip(
                    np.linspace(6, 12, TRAIL_LENGTH),
                    np.linspace(0.15, 0.9, TRAIL_LENGTH),
                    strict=True,
                )
            ]
        )
        self.tangent = pg.PlotCurveItem(pen=pg.mkPen(style.TANGENT, width=style.LINE_WIDTH))
        ball_size = style.MARKER_SIZE + 5
        self.ball = Marker([("o", ball_size, pg.mkPen("#202020", width=2), style.BALL)])
        # The view frames the curve, the trail and the ball (a steep tangent must not zoom
        # out), with room for the whole ball at the bottom of the curve, and moves only
        # when they leave the frame or shrink well inside it.
        self._frame = ViewFrame(headroom=(0.0, Y_HEADROOM), pixel_padding=ball_size / 2 + 1)
        self.addItem(self._frame)
        self.run_trail_lines = [pg.PlotCurveItem() for _ in range(MAX_RUNS)]
        self.run_trails = [
            MarkerTrail(_trail_looks(style.TRAIL)[-OTHER_TRAIL_MARKERS:]) for _ in range(MAX_RUNS)
        ]
        self.run_balls = [Marker([("o", ball_size, None, style.BALL)]) for _ in range(MAX_RUNS)]
        for item in (*self.run_trail_lines, *self.run_trails, *self.run_balls):
            self.addItem(item, ignoreBounds=True)
        for item in (self.curve, self.trail_line, self.trail, self.tangent, self.ball):
            self.addItem(item, ignoreBounds=True)
        self._readout: tuple[str, ...] = ()
        self._theme = style.current_theme()
        self._show_readout("cost at the current intercept")
        self.apply_theme(self._theme)

    def apply_theme(self, theme: style.Theme) -> None:
        """Recolour the plot, the curve, the trail, the tangent, the ball and the read-out."""
        style.theme_plot(self, theme)
        k = self._marker_scale
        self.curve.setPen(pg.mkPen(theme.curve, width=(style.LINE_WIDTH - 1) * k))
        self.tangent.setPen(pg.mkPen(theme.tangent, width=style.LINE_WIDTH * k))
        old, self._theme = self._theme, theme
        self._style_runs()
        wordings = [html.replace(old.tangent_text, theme.tangent_text) for html in self._readout]
        self._readout = ()
        self._show_readout(*wordings)

    def set_marker_scale(self, factor: float) -> None:
        """Draw the ball, the trail, the curve and the tangent ``factor`` times their base size.

        Relative to the base sizes, so 2 twice is still 2 and 1 restores them.

        Parameters
        ----------
        factor : float
            The scale; the presentation zoom passes its own.
        """
        factor = float(factor)
        if factor == self._marker_scale:
            return
        self._marker_scale = factor
        theme = self._theme
        self.curve.setPen(pg.mkPen(theme.curve, width=(style.LINE_WIDTH - 1) * factor))
        self.tangent.setPen(pg.mkPen(theme.tangent, width=style.LINE_WIDTH * factor))
        for trail in (self.trail, *self.run_trails):
            trail.set_scale(factor)
        for ball in (self.ball, *self.run_balls):
            ball.set_scale(factor)
        self._style_runs()
        self._frame.set_pixel_padding((style.MARKER_SIZE + 5) * factor / 2 + 1)

    def _run_colour(self, slot: int) -> object:
        # Slot 0's ball keeps the theme's ball colour: a lone run looks as it always did.
        return self._theme.ball if slot == 0 else style.run_colour(slot, self._theme)

    def _style_runs(self) -> None:
        """Colour the selected run's ball and trail, and every other slot's, for the theme."""
        theme, k = self._theme, self._marker_scale
        selected = style.run_colour(self._run_slot, theme)
        trail = selected if self._race else pg.mkColor(theme.trail)
        self.trail_line.setPen(pg.mkPen(trail, width=1.5 * k))
        self.trail.set_looks(_trail_looks(trail))
        self.ball.set_layers(
            [("o", BALL_SIZE, pg.mkPen(theme.edge, width=2), self._run_colour(self._run_slot))]
        )
        for slot in range(MAX_RUNS):
            colour = style.run_colour(slot, theme)
            self.run_trail_lines[slot].setPen(pg.mkPen(colour, width=1.5 * k))
            self.run_trails[slot].set_looks(_trail_looks(colour)[-OTHER_TRAIL_MARKERS:])
            self._hollow[slot] = None
            self._style_ball(slot, False)

    def _style_ball(self, slot: int, hollow: bool) -> None:
        """Draw slot ``slot``'s ball solid, or as a ring when it is off the slice shown."""
        if self._hollow[slot] == hollow:
            return
        self._hollow[slot] = hollow
        colour = self._run_colour(slot)
        layers: list[Layer]
        if hollow:
            layers = [
                ("o", BALL_SIZE, pg.mkPen(self._theme.halo, width=6), None),
                ("o", BALL_SIZE, pg.mkPen(colour, width=3), None),
            ]
        else:
            layers = [("o", BALL_SIZE, pg.mkPen(self._theme.edge, width=2), colour)]
        self.run_balls[slot].set_layers(layers)

    @property
    def marker_scale(self) -> float:
        """Return the factor markers and lines are drawn at."""
        return self._marker_scale

    def set_problem(self, problem: CostModel, fixed_b: float | None = None) -> None:
        """Show a new cost (new data or model), keeping the ball where it was.

        Parameters
        ----------
        problem : CostModel
            The cost.
        fixed_b : float, optional
            The intercept when it is held fixed; None when it is learned, so the
            curve follows the ball's intercept.
        """
        self._problem = problem
        function = problem.kind == "function"
        if function != self._function:
            self._function = function
            self._label_axes()
        self._hold(fixed_b)

    def _label_axes(self) -> None:
        """Name the axes for the problem: slope and cost, or x and f on a function."""
        x_label, y_label = ("x", "f") if self._function else ("slope m", "cost J")
        style.label_axis(self, "bottom", x_label)
        style.label_axis(self, "left", y_label)
        self.setAccessibleName(
            "a slice of the function through the ball, with the tangent"
            if self._function
            else "cost against slope, with the ball and the tangent"
        )

    def _hold(self, fixed_b: float | None) -> None:
        """Centre the curve on the optimum with the intercept held at ``fixed_b`` (or not)."""
        problem = self._problem
        assert problem is not None
        self._fixed_b = None if fixed_b is None else float(fixed_b)
        fit = reference_fit(problem, None if fixed_b is None else {"b": fixed_b})
        theta = fit.theta if fit.exists and fit.theta is not None else None
        self._centre = None if theta is None else float(theta[0])
        self._default_b = self._fixed_b if self._fixed_b is not None else (theta or (0, 0))[1]
        where = (self._centre or 0.0, self._default_b)
        reach_m, reach_b = curvature_reach(problem, where)
        size = CURVATURE_CAP * max(abs(where[0]), 1.0)
        self._min_half = min(reach_m, size)
        self._b_reach = reach_b
        self._curve_range = (math.nan, math.nan)  # force a redraw
        self._shown = None
        self._redraw()

    def set_state(self, params: ArrayLike, current_index: int | None = None) -> None:
        """Put the ball at step ``current_index`` of ``params`` (default: the last).

        Parameters
        ----------
        params : array_like, shape (k, 2)
            Slope and intercept at each step so far, the start first. The curve's
            range frames all of it and the optimum.
        current_index : int, optional
            The step to show; negative counts from the end.
        """
        self._params = np.asarray(params, dtype=np.float64).reshape(-1, 2)
        self._index = current_index
        self._redraw()

    def show_scene(self, scene: Scene) -> None:
        """Draw every run of ``scene`` on the slice at the selected run's intercept.

        The selected run has the ball, the trail and the tangent as with
        :meth:`set_state`; every other run its ball and trail in its colour (see the
        module's note for runs at another intercept). The cost is the one given to
        :meth:`set_problem`; a selected run that holds its intercept holds the slice's.

        Parameters
        ----------
        scene : Scene
            What to draw.
        """
        if self._problem is None:
            return
        if self._function and self.getPlotItem().getAxis("bottom").labelText != "x":
            self._label_axes()  # whoever names the maps' parameters named this one too
        current = scene.current
        held = (current.config.fixed or {}).get("b")
        held = None if held is None else float(held)
        if held != self._fixed_b:
            self._hold(held)
        race = len(scene.traces) > 1
        if (current.slot, race) != (self._run_slot, self._race):
            self._run_slot, self._race = current.slot, race
            self._style_runs()
            self._shown = None
        self._label = current.label
        self._others = scene.others()
        self._params = np.asarray(current.params, dtype=np.float64).reshape(-1, 2)
        self._index = None
        self._redraw()

    def _redraw(self) -> None:
        if self._problem is None:
            return
        n = len(self._params)
        if n == 0:
            self._shown = None
            self._update_curve(self._default_b, np.empty(0))
            for item in (self.trail_line, self.tangent):
                item.setData(x=[], y=[])
            self.trail.place(np.empty(0), np.empty(0))
            self.ball.place(None)
            self._frame_view(None)
            self._show_readout(self._slice_name(self._default_b))
            return
        i = n - 1 if self._index is None else self._index + (n if self._index < 0 else 0)
        i = min(max(i, 0), n - 1)
        m, b = (float(v) for v in self._params[i])
        if self._fixed_b is not None:
            b = self._fixed_b
        if not math.isfinite(b):  # nothing to draw the curve at: keep the one drawn
            b = self._curve_b if math.isfinite(self._curve_b) else self._default_b
        # Another run's divergent flight is not followed (selecting it follows it).
        others = [t for t in self._others if t.diverged_at is None]
        path_m = decimate_path(self._params[: i + 1])[:, 0]
        if others:
            path_m = np.concatenate([path_m, *(decimate_path(t.params)[:, 0] for t in others)])
        self._update_curve(b, path_m)
        trail_m = self._params[max(0, i - TRAIL_LENGTH + 1) : i + 1, 0]
        trail_m = trail_m[np.isfinite(trail_m)]
        # Everything drawn follows from the curve, the intercept and the trails (a ball
        # is its trail's last point): when none changed, neither did the picture.
        shown = (
            self._curve_range,
            self._curve_b,
            float(b),
            trail_m.tobytes(),
            tuple((t.slot, t.params[-TRAIL_LENGTH:].tobytes()) for t in others),
        )
        if shown == self._shown:
            return
        self._shown = shown
        self._draw_others()
        # Past ~1e154 a cost overflows to inf: the ball is then not drawn (the read-out
        # above the plot still gives the numbers).
        with np.errstate(over="ignore", invalid="ignore"):
            cost = float(self._problem.cost((m, b)))
            slope = float(self._problem.gradient((m, b))[0])
        trail_cost = self._on_curve(trail_m)
        if len(trail_m) and math.isfinite(m):
            trail_cost[-1] = cost
        self.trail.place(trail_m, trail_cost)
        self.trail_line.setData(*_finite_points(trail_m, trail_cost))
        self.ball.place((m, cost))
        self._draw_tangent(m, cost, slope)
        self._frame_view(trail_cost)
        held = " (held)" if self._fixed_b is not None else ""
        whose = f"{self._label}: " if others else ""
        hollow = any(self._hollow[t.slot] for t in others)
        other = "y" if self._function else "b"
        note = f" \N{MIDDLE DOT} \N{WHITE CIRCLE} other {other}" if hollow else ""
        tangent = (
            f'<span style="color:{self._theme.tangent_text}">'
            f"{self._derivative_name()} = {format_number(slope)}</span>"
        )
        # Longest first: a narrow plot or large text takes a shorter line, not four lines.
        self._show_readout(
            f"{whose}{self._slice_name(b)}{held}{note} \N{MIDDLE DOT} {tangent}",
            f"{self._slice_name(b)} \N{MIDDLE DOT} {tangent}",
            tangent,
        )

    def _one_variable(self) -> bool:
        return self._function and getattr(self._problem, "dimension", 2) == 1

    def _slice_name(self, b: float) -> str:
        """Return which slice is drawn: the intercept it is at, or f(x, y = …)."""
        if not self._function:
            return f"b = {format_number(b)}"
        if self._one_variable():
            return "f(x)"
        return f"f(x, y = {format_number(b)})"

    def _derivative_name(self) -> str:
        """Return the name of the tangent's slope."""
        if not self._function:
            return "dJ/dm"
        return (
            "f\N{PRIME}(x)"
            if self._one_variable()
            else "\N{PARTIAL DIFFERENTIAL}f/\N{PARTIAL DIFFERENTIAL}x"
        )

    def _draw_others(self) -> None:
        """Put each other run's ball and trail on the slice shown; hide the unused slots."""
        assert self._problem is not None
        others = {t.slot: t for t in self._others}
        finite = self.cost_values[np.isfinite(self.cost_values)]
        height = float(np.ptp(finite)) if len(finite) else 0.0
        for slot in range(MAX_RUNS):
            ball, trail, line = (
                self.run_balls[slot],
                self.run_trails[slot],
                self.run_trail_lines[slot],
            )
            trace = others.get(slot)
            if trace is None or not len(trace.params):
                ball.place(None)
                trail.place(np.empty(0), np.empty(0))
                line.setData(x=[], y=[])
                continue
            trail_m = trace.params[-TRAIL_LENGTH:, 0]
            trail_m = trail_m[np.isfinite(trail_m)]
            trail_cost = self._on_curve(trail_m)
            trail.place(trail_m[-OTHER_TRAIL_MARKERS:], trail_cost[-OTHER_TRAIL_MARKERS:])
            line.setData(*_finite_points(trail_m, trail_cost))
            m, b = trace.point
            if not (len(trail_m) and math.isfinite(m)):
                ball.place(None)
                continue
            self._style_ball(slot, not self._on_slice(trace, float(trail_cost[-1]), height))
            ball.place((m, float(trail_cost[-1])))

    def _on_slice(self, trace: RunTrace, slice_cost: float, height: float) -> bool:
        """Return whether ``trace``'s point lies on the slice shown, to within a sliver."""
        b = trace.point[1]
        if b == self._curve_b:
            return True
        own = trace.current_cost if len(trace.exact) and trace.exact[-1] else math.nan
        if not math.isfinite(own) and not self._expensive():
            with np.errstate(over="ignore", invalid="ignore"):
                own = float(self._problem.cost(trace.point))  # type: ignore[union-attr]
        gap = abs(own - slice_cost)
        return math.isfinite(gap) and gap <= ON_SLICE * height

    def _frame_view(self, trail_cost: NDArray[np.float64] | None) -> None:
        costs = self.cost_values if trail_cost is None else np.append(self.cost_values, trail_cost)
        costs = costs[np.isfinite(costs)]
        y = (float(costs.min()), float(costs.max())) if len(costs) else None
        self._frame.follow(self._curve_range, y)

    def _show_readout(self, *wordings: str) -> None:
        # The title row, not a label in the plot: text over the curve would hide it.
        if wordings != self._readout:
            colour = self._theme.foreground
            fit_title(self.getPlotItem(), wordings, size=READOUT_SIZE, color=colour)
            self._readout = wordings

    def _expensive(self) -> bool:
        assert self._problem is not None
        if self._problem.kind in ("linear", "function"):
            return False  # a point of the curve costs the same whatever the data
        return self._problem.n * CURVE_POINTS > CURVE_BUDGET

    def _curve_points(self) -> int:
        """Return how many slopes to draw the curve through (fewer for large logistic data)."""
        assert self._problem is not None
        if self._problem.kind in ("linear", "function"):
            return CURVE_POINTS  # O(1) per point, whatever the data
        return min(CURVE_POINTS, max(MIN_CURVE_POINTS, CURVE_WORK // self._problem.n))

    def _update_curve(self, b: float, path_m: NDArray[np.float64]) -> None:
        assert self._problem is not None
        span = self._span(path_m, b)
        if span == self._curve_range:
            moved = abs(b - self._curve_b)  # nan before the first curve
            allowed = B_TOLERANCE * self._b_reach if self._expensive() else 0.0
            if moved <= allowed:
                return
        m_values = np.linspace(*span, self._curve_points())
        with np.errstate(over="ignore", invalid="ignore"):  # a flight's costs overflow
            cost_values = cost_grid(self._problem, m_values, [b])[:, 0]
        self.m_values, self.cost_values = _finite_points(m_values, cost_values)
        if self._function:
            # Where f is undefined the curve has a gap, not a chord across it.
            self.curve.setData(m_values, np.where(np.isfinite(cost_values), cost_values, np.nan))
        else:
            self.curve.setData(self.m_values, self.cost_values)
        self._curve_b, self._curve_range = b, span

    def _span(self, path_m: NDArray[np.float64], b: float) -> tuple[float, float]:
        """Return the x range of the curve: around the optimum, or a function's own domain.

        A function's domain is widened to hold the path: a run that falls away (a saddle)
        is followed, as a diverging run is on regression.
        """
        if not self._function:
            return frame_interval(path_m, self._centre, self._min_half)
        assert self._problem is not None
        finite = path_m[np.isfinite(path_m)]
        ends = np.array([[finite.min(), b], [finite.max(), b]]) if len(finite) else None
        domain = function_domain(self._problem, (ends[0] if ends is not None else (0.0, b)), ends)
        low, high = domain.m_min, domain.m_max
        if len(finite) and (finite.min() < low or finite.max() > high):
            return frame_interval(np.concatenate([finite, [low, high]]))
        return low, high

    def _on_curve(self, m_values: NDArray[np.float64]) -> NDArray[np.float64]:
        """Return J at these slopes and the curve's intercept, exactly when that is cheap."""
        assert self._problem is not None
        if self._expensive():
            if not len(self.m_values):
                return np.full(len(m_values), np.nan)
            return np.interp(m_values, self.m_values, self.cost_values)
        if not len(m_values):
            return np.empty(0)
        with np.errstate(over="ignore", invalid="ignore"):
            return cost_grid(self._problem, m_values, [self._curve_b])[:, 0]

    def _draw_tangent(self, m: float, cost: float, slope: float) -> None:
        ends = tangent_ends(m, cost, slope, self._curve_range, self.cost_values)
        if ends is None:
            self.tangent.setData(x=[], y=[])
        else:
            self.tangent.setData(*ends)


def _finite_points(
    x: NDArray[np.float64], y: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the points whose x and y are both finite (pyqtgraph fails on the others)."""
    keep = np.isfinite(x) & np.isfinite(y)
    return (x, y) if keep.all() else (x[keep], y[keep])


def tangent_ends(
    m: float,
    cost: float,
    slope: float,
    m_range: tuple[float, float],
    cost_values: NDArray[np.float64],
) -> tuple[list[float], list[float]] | None:
    """Return the ends of the tangent at ``(m, cost)``, or None where none can be drawn.

    The tangent has the same length on screen whatever its slope: its half-length is
    ``TANGENT_REACH`` of the plot's width and height. Works in units of the plot's
    width and height, so a slope of 1e300 over a width of 1e-300 cannot overflow.

    Parameters
    ----------
    m, cost : float
        The point of tangency.
    slope : float
        dJ/dm there.
    m_range : (float, float)
        The curve's slopes, the plot's width.
    cost_values : ndarray
        The curve's costs; their spread is the plot's height.

    Returns
    -------
    (x, y) or None
        Two x and two y values, all finite; None if the point, the slope or the
        plot's size is not a finite, drawable number.
    """
    width = m_range[1] - m_range[0]
    finite = cost_values[np.isfinite(cost_values)]
    spread = float(finite.max()) - float(finite.min()) if finite.size else 0.0
    height = max(spread, abs(cost) * 1e-12, 1e-300)
    if not all(map(math.isfinite, (m, cost, slope, width, height))) or not width > 0.0:
        return None
    # Screen units: the tangent rises `tilt` plot heights per plot width. An overflow
    # makes it vertical, which a tilt past 1e300 looks like anyway.
    with np.errstate(over="ignore", under="ignore"):
        tilt = float(np.float64(slope) * np.float64(width) / np.float64(height))
    if math.isinf(tilt):
        dx, dy = 0.0, TANGENT_REACH
    else:
        dx = TANGENT_REACH / math.hypot(1.0, tilt)
        dy = abs(tilt) * dx
    dy = math.copysign(dy, slope)
    xs = [m - dx * width, m + dx * width]
    ys = [cost - dy * height, cost + dy * height]
    if not all(map(math.isfinite, xs + ys)):
        return None
    return xs, ys
