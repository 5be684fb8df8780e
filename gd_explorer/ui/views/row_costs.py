"""Cost per row on the data plot: what each point adds to the cost, drawn where it is.

Least squares: on each point's error a square whose sides are |error| (in x units
across, in y units up), so that its area is the error squared and the cost is half
the squares' mean. Logistic: at each point a bar as tall as that point's log-loss, so
that the cost is the bars' mean height.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsPathItem

from gd_explorer.framing import LIMIT
from gd_explorer.scene import Scene, row_losses
from gd_explorer.ui import style
from gd_explorer.ui.views.spread import too_slow_live

#: Most rows drawn with their cost (an even subsample of the points drawn beyond that).
MAX_DRAWN = 400
#: The bars' width in pixels (times the marker scale).
BAR_WIDTH_PX = 7.0
#: Under the error lines and the points, over the rings of the rows a step used.
Z_VALUE = -2.5

SQUARES_TIP = (
    "Cost per row: on each point's error (the grey line to the fitted line) a square "
    "|error| wide in x units and |error| tall in y units, so its area is error². The "
    "axes have different scales, so the squares may look like rectangles. The cost J is "
    "half the mean of their areas."
)
BARS_TIP = (
    "Cost per row: at each point a bar as tall as that point's log-loss "
    "−[y·log p + (1 − y)·log(1 − p)], from the point towards the other class: short "
    "where the curve gives the point's class a high probability. The cost J is the mean "
    "of their heights."
)


def format_cost(value: float) -> str:
    """Return a cost with four significant digits."""
    if not math.isfinite(value):
        return "∞" if value > 0 else "undefined"
    return f"{value:.4g}"


class RowCosts:
    """Squares (least squares) or loss bars (logistic) on a data plot, switched as a whole.

    Parameters
    ----------
    view_box : pyqtgraph.ViewBox
        The data plot's view box, in the data's units.
    said : bound method
        Called with nothing whenever what the title line should say changes
        (:attr:`texts`); held weakly, as the plot owns this helper.

    Attributes
    ----------
    squares_item : QGraphicsPathItem
        The squares, one closed rectangle each, in data coordinates.
    bars_item : pyqtgraph.PlotCurveItem
        The bars, as pairs of points (bottom, top).
    rects : ndarray, shape (k, 4)
        Each drawn square as (left, bottom, width, height) in data units.
    bars : ndarray, shape (k, 3)
        Each drawn bar as (x, from y, to y).
    losses : ndarray
        Each drawn row's own cost: error² (squares' areas) or log-loss (bars' heights).
    texts : tuple of str
        What the title line may say (the cost as the mean), longest first; empty when
        nothing is drawn.
    """

    def __init__(self, view_box: pg.ViewBox, said: Callable[[], None]) -> None:
        self._said_ref = weakref.WeakMethod(said)
        self._shown = False
        self._scale = 1.0
        self.rects: NDArray[np.float64] = np.empty((0, 4))
        self.bars: NDArray[np.float64] = np.empty((0, 3))
        self.losses: NDArray[np.float64] = np.empty(0)
        self.texts: tuple[str, ...] = ()
        self._scene: Scene | None = None
        self.squares_item = QGraphicsPathItem()
        self.bars_item = pg.PlotCurveItem(connect="pairs")
        for item in (self.squares_item, self.bars_item):
            item.setZValue(Z_VALUE)
            item.setVisible(False)
            view_box.addItem(item, ignoreBounds=True)
        self.apply_theme(style.current_theme())

    def apply_theme(self, theme: style.Theme) -> None:
        """Colour the squares and bars for ``theme``."""
        edge = pg.mkColor(theme.trail)
        fill = pg.mkColor(theme.trail)
        fill.setAlpha(70)
        pen = pg.mkPen(edge, width=1.5)
        pen.setCosmetic(True)  # the width in pixels, whatever the axes' scales
        self.squares_item.setPen(pen)
        self.squares_item.setBrush(pg.mkBrush(fill))
        bar = pg.mkColor(theme.trail)
        bar.setAlpha(150)
        self._bar_colour = bar
        self._style_bars()

    def set_marker_scale(self, factor: float) -> None:
        """Draw the bars ``factor`` times their base width."""
        self._scale = float(factor)
        self._style_bars()

    def _style_bars(self) -> None:
        self.bars_item.setPen(
            pg.mkPen(
                self._bar_colour, width=BAR_WIDTH_PX * self._scale, cap=Qt.PenCapStyle.FlatCap
            )
        )

    @property
    def shown(self) -> bool:
        """Return whether the cost per row is switched on."""
        return self._shown

    def set_shown(self, on: bool) -> None:
        """Switch the squares or bars on or off; the caller draws the rows again."""
        self._shown = bool(on)
        if not self._shown:
            self.clear()
        elif self._scene is not None:
            self.say_cost(self._scene)

    def clear(self) -> None:
        """Draw nothing and say nothing."""
        self.squares_item.setPath(QPainterPath())
        self.squares_item.setVisible(False)
        self.bars_item.setData([], [])
        self.bars_item.setVisible(False)
        self.rects, self.bars, self.losses = np.empty((0, 4)), np.empty((0, 3)), np.empty(0)
        self._say(())

    def draw(
        self,
        kind: str,
        x: NDArray[np.float64],
        y: NDArray[np.float64],
        theta: tuple[float, float],
    ) -> None:
        """Draw the rows ``x``, ``y`` at the model ``theta`` (data units); off: nothing.

        Parameters
        ----------
        kind : {"linear", "logistic"}
            Squares on the errors, or log-loss bars.
        x, y : ndarray
            The points drawn (a drag's preview included).
        theta : (float, float)
            Slope and intercept on the data's own x.
        """
        if not self._shown or not all(map(math.isfinite, theta)):
            self.clear()
            return
        if len(x) > MAX_DRAWN:
            # Hundreds of squares already cover a plot; thousands only cost painting.
            keep = np.unique(np.linspace(0, len(x) - 1, MAX_DRAWN).astype(np.intp))
            x, y = x[keep], y[keep]
        fitted, losses = row_losses(kind, x, y, theta)
        self.losses = losses
        if kind == "logistic":
            self._draw_bars(x, y, losses)
        else:
            self._draw_squares(x, y, fitted, theta[0])

    def _draw_squares(
        self, x: NDArray[np.float64], y: NDArray[np.float64], fitted: NDArray[np.float64], m: float
    ) -> None:
        error = y - fitted
        side = np.abs(error)
        # To the side where the line falls away from the point, so that the square does not
        # cross it, unless that side leaves the points' span and the other does not.
        away = np.where(error * m > 0.0, -1.0, 1.0)
        if len(x):
            low, high = float(x.min()), float(x.max())
            beyond = np.where(away > 0, x + side > high, x - side < low)
            inside = np.where(away > 0, x - side >= low, x + side <= high)
            away = np.where(beyond & inside, -away, away)
        left = np.where(away > 0, x, x - side)
        bottom = np.minimum(y, fitted)
        rects = np.column_stack([left, bottom, side, side])
        self.rects = rects
        path = QPainterPath()
        shown = np.isfinite(rects).all(axis=1) & (np.abs(rects) < LIMIT).all(axis=1)
        for x0, y0, w, h in rects[shown].tolist():
            path.addRect(QRectF(x0, y0, w, h))
        self.squares_item.setPath(path)
        self.squares_item.setVisible(True)
        self.bars_item.setData([], [])
        self.bars_item.setVisible(False)
        self.bars = np.empty((0, 3))

    def _draw_bars(
        self, x: NDArray[np.float64], y: NDArray[np.float64], losses: NDArray[np.float64]
    ) -> None:
        # From the point towards the other class: down from class 1, up from class 0.
        towards = np.where(y >= 0.5, -1.0, 1.0)
        ends = y + towards * losses
        self.bars = np.column_stack([x, y, ends])
        xs = np.repeat(x, 2)
        ys = np.empty(2 * len(x))
        ys[0::2] = y
        ys[1::2] = np.clip(ends, -LIMIT, LIMIT)
        self.bars_item.setData(xs, ys)
        self.bars_item.setVisible(len(x) > 0)
        self.squares_item.setPath(QPainterPath())
        self.squares_item.setVisible(False)
        self.rects = np.empty((0, 4))

    def say_cost(self, scene: Scene) -> None:
        """Say the selected run's cost as the mean of the rows' costs (when shown).

        The cost is the exact one at the point shown (all rows, the run's own where it
        recorded it), so the words hold for data too large to draw every square.
        """
        self._scene = scene
        problem = scene.problem
        if not self._shown or problem is None or scene.kind not in ("linear", "logistic"):
            self._say(())
            return
        trace = scene.current
        penalty = " + λ/2·m²" if problem.l2 > 0.0 else ""
        if trace.exact[-1]:
            cost = trace.current_cost  # the run's own, exact: no pass over the rows
        elif too_slow_live(scene) and len(self.losses):
            # A live frame over 10⁶ logistic rows: the drawn rows' mean, said as such.
            drawn = float(np.mean(self.losses)) + 0.5 * problem.l2 * trace.point[0] ** 2
            value, count = format_cost(drawn), f"{len(self.losses):,}"
            self._say(
                (
                    f"J ≈ mean of the {count} bars drawn{penalty} = {value}",
                    f"J ≈ mean(bars){penalty} = {value}",
                    f"J ≈ {value}",
                )
            )
            return
        else:
            with np.errstate(all="ignore"):
                cost = problem.cost(trace.point)
        value = format_cost(cost)
        if scene.kind == "logistic":
            self._say(
                (
                    f"J = mean of the bars{penalty} = {value}",
                    f"J = mean(bars){penalty} = {value}",
                    f"J = {value}",
                )
            )
        else:
            self._say(
                (
                    f"J = mean of the squares/2{penalty} = {value}",
                    f"J = mean(squares)/2{penalty} = {value}",
                    f"J = mean(□)/2{penalty} = {value}",
                    f"J = {value}",
                )
            )

    def _say(self, texts: tuple[str, ...]) -> None:
        if texts != self.texts:
            self.texts = texts
            said = self._said_ref()
            if said is not None:
                said()
