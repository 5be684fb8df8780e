"""The cost J(m) at the current intercept, with the ball, its trail and the tangent."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from numpy.typing import ArrayLike, NDArray
from PySide6.QtWidgets import QWidget

from gd_explorer.engine import CostModel, cost_grid, reference_fit
from gd_explorer.ui import style
from gd_explorer.ui.views.domain import (
    CURVATURE_CAP,
    curvature_reach,
    decimate_path,
    frame_interval,
)
from gd_explorer.ui.views.history import format_number

OBJECT_NAME = "costCurvePlot"

#: Slopes at which the curve is evaluated.
CURVE_POINTS = 400
#: Recent positions drawn behind the ball.
TRAIL_LENGTH = 30
#: A logistic curve costing more than this many row evaluations is redrawn only when the
#: intercept has moved by more than ``B_TOLERANCE`` of the distance that changes the cost
#: by a typical cost (the difference is then far below a pixel).
CURVE_BUDGET = 200_000
B_TOLERANCE = 0.01
#: Half the tangent's length, as a fraction of the plot's width and height.
TANGENT_REACH = 0.14
READOUT_SIZE = "13pt"
#: Dark, so the red ball and the cyan tangent stand out on it.
CURVE_COLOUR = "#303030"
#: The tangent's colour, darkened so it reads as text on white.
READOUT_TANGENT = "#0e7c86"


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
    curve, trail, trail_line, ball, tangent : pyqtgraph items
        The drawn items, exposed for tests and screenshots.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=style.BACKGROUND)
        self.setObjectName(OBJECT_NAME)
        self.setAccessibleName("cost against slope, with the ball and the tangent")
        style.style_plot(self, "slope m", "cost J")
        self._problem: CostModel | None = None
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

        self.curve = pg.PlotDataItem(pen=pg.mkPen(CURVE_COLOUR, width=style.LINE_WIDTH - 1))
        self.trail_line = pg.PlotDataItem(pen=pg.mkPen(style.TRAIL, width=1.5))
        self.trail = pg.ScatterPlotItem(pen=None)
        self.tangent = pg.PlotDataItem(pen=pg.mkPen(style.TANGENT, width=style.LINE_WIDTH))
        self.ball = pg.ScatterPlotItem(
            symbol="o",
            size=style.MARKER_SIZE + 5,
            brush=pg.mkBrush(style.BALL),
            pen=pg.mkPen("#202020", width=2),
        )
        self.addItem(self.curve)
        self.addItem(self.trail_line)
        self.addItem(self.trail)
        self.addItem(self.tangent, ignoreBounds=True)  # a steep tangent must not zoom out
        self.addItem(self.ball)
        ramp = np.linspace(0.15, 0.9, TRAIL_LENGTH)
        colour = pg.mkColor(style.TRAIL)
        self._trail_brushes = [
            pg.mkBrush(colour.red(), colour.green(), colour.blue(), int(255 * a)) for a in ramp
        ]
        self._trail_sizes = np.linspace(6, 12, TRAIL_LENGTH)
        self._readout = ""
        self._show_readout("cost at the current intercept")

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

    def _redraw(self) -> None:
        if self._problem is None:
            return
        n = len(self._params)
        if n == 0:
            self._update_curve(self._default_b, np.empty(0))
            for item in (self.trail, self.trail_line, self.ball, self.tangent):
                item.setData(x=[], y=[])
            self._show_readout(f"at intercept b = {format_number(self._default_b)}")
            return
        i = n - 1 if self._index is None else self._index + (n if self._index < 0 else 0)
        i = min(max(i, 0), n - 1)
        m, b = self._params[i]
        if self._fixed_b is not None:
            b = self._fixed_b
        self._update_curve(b, decimate_path(self._params[: i + 1])[:, 0])
        cost = self._problem.cost((m, b))
        slope = float(self._problem.gradient((m, b))[0])
        trail_m = self._params[max(0, i - TRAIL_LENGTH + 1) : i + 1, 0]
        trail_cost = self._on_curve(trail_m)
        trail_cost[-1] = cost
        k = len(trail_m)
        self.trail.setData(
            x=trail_m, y=trail_cost, brush=self._trail_brushes[-k:], size=self._trail_sizes[-k:]
        )
        self.trail_line.setData(trail_m, trail_cost)
        self.ball.setData(x=[m], y=[cost])
        self._draw_tangent(m, cost, slope)
        held = " (held)" if self._fixed_b is not None else ""
        self._show_readout(
            f"at intercept b = {format_number(b)}{held} \N{MIDDLE DOT} "
            f'<span style="color:{READOUT_TANGENT}">tangent dJ/dm = {format_number(slope)}</span>'
        )

    def _show_readout(self, html: str) -> None:
        # The title row, not a label in the plot: text over the curve would hide it.
        if html != self._readout:
            self.getPlotItem().setTitle(html, size=READOUT_SIZE, color="#202020")
            self._readout = html

    def _expensive(self) -> bool:
        assert self._problem is not None
        rows = len(self._problem.data.x)
        return self._problem.kind != "linear" and rows * CURVE_POINTS > CURVE_BUDGET

    def _update_curve(self, b: float, path_m: NDArray[np.float64]) -> None:
        assert self._problem is not None
        span = frame_interval(path_m, self._centre, self._min_half)
        if span == self._curve_range:
            moved = abs(b - self._curve_b)  # nan before the first curve
            allowed = B_TOLERANCE * self._b_reach if self._expensive() else 0.0
            if moved <= allowed:
                return
        self.m_values = np.linspace(*span, CURVE_POINTS)
        self.cost_values = cost_grid(self._problem, self.m_values, [b])[:, 0]
        self.curve.setData(self.m_values, self.cost_values)
        self._curve_b, self._curve_range = b, span

    def _on_curve(self, m_values: NDArray[np.float64]) -> NDArray[np.float64]:
        """Return J at these slopes and the curve's intercept, exactly when that is cheap."""
        assert self._problem is not None
        if self._expensive():
            return np.interp(m_values, self.m_values, self.cost_values)
        return cost_grid(self._problem, m_values, [self._curve_b])[:, 0]

    def _draw_tangent(self, m: float, cost: float, slope: float) -> None:
        # The same length on screen whatever the slope: measure it in plot widths/heights.
        width = self._curve_range[1] - self._curve_range[0]
        height = max(float(np.ptp(self.cost_values)), abs(cost) * 1e-12, 1e-300)
        half = TANGENT_REACH / math.hypot(1.0 / width, slope / height)
        self.tangent.setData([m - half, m + half], [cost - slope * half, cost + slope * half])
