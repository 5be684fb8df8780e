"""The cost J(m, b) seen from above: colour map, contour lines, the path and the optimum.

On a function f(x, y) the same view shows f over the function's domain, with its
minima (the lowest as stars) and saddle points marked, and a place for an extra image
under the contour lines (:meth:`ContourView.set_overlay`: the basins of attraction).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pyqtgraph as pg
from numpy.typing import ArrayLike, NDArray
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsItem, QWidget

from gd_explorer.engine import CostModel, Fit, cost_grid, reference_fit
from gd_explorer.framing import LIMIT, Domain, can_follow, decimate_path, drawable, follow_path
from gd_explorer.scene import MAX_RUNS, RunTrace, Scene
from gd_explorer.ui import style
from gd_explorer.ui.views.items import Marker, ViewFrame, fit_title
from gd_explorer.ui.views.spread import TIP as SPREAD_TIP
from gd_explorer.ui.views.spread import SpreadArrows

OBJECT_NAME = "contourPlot"

#: Grid values per side for a linear cost (its grid costs nothing per row).
GRID_SIZE = 160
#: Row × grid-point evaluations a logistic image may cost; bigger data gets a coarser grid.
LOGISTIC_BUDGET = 4_000_000
MIN_GRID_SIZE = 40
#: Most vertices drawn for a path, however long the run.
#: Paths up to this many drawn points get a marker per step; longer ones are just a line.
MAX_MARKED_STEPS = 300
#: Most vertices drawn for a run that is not the selected one: a race of four must not
#: cost four times one run's painting (a polyline's cost grows with its vertices).
OTHER_PATH_POINTS = 512
CONTOUR_LEVELS = 8
#: Colour span of the log-scaled image, in decades above the minimum.
DECADES = 3.0
#: The same for a function: Rosenbrock's valley floor lies four decades below its walls.
FUNCTION_DECADES = 5.0
#: Two minima whose values differ by less than this (relative to the map's range) are
#: equally low: each is drawn as a lowest one (Himmelblau has four).
EQUALLY_LOW = 1e-9
#: A function whose values over the map have a spread up to this many times their median
#: height (both above the lowest) is shaded in plain f: Rastrigin's dents, evenly spread
#: between 0 and 80, would all take the top colours of a log scale.
PLAIN_BELOW = 4.0
#: With more minima than this (Rastrigin has 121) the other minima are drawn as dots.
MANY_MINIMA = 12
#: Stacking, bottom to top: the colour map, an overlay (basins), the contour lines; the
#: paths and markers above all of them.
IMAGE_Z, OVERLAY_Z, LINES_Z = -30.0, -20.0, -10.0

PATH_COLOUR = "#d62728"
#: What the markers on a function mean, for the legend and the tooltip.
GLOBAL_NAME = "lowest minimum"
LOCAL_NAME = "other minimum"
SADDLE_NAME = "saddle point"
#: The symbol each kind of marker is named with above the map.
LEGEND = {
    GLOBAL_NAME: ("\N{BLACK STAR}", "global min"),
    LOCAL_NAME: ("\N{BLACK DIAMOND}", "local"),
    SADDLE_NAME: ("\N{MULTIPLICATION SIGN}", "saddle"),
}
CLICK_TIP = "Click to start the descent from that slope and intercept."
FUNCTION_TIP = (
    "Click to start the descent from that point (x, y).\n"
    "\N{BLACK STAR} lowest minimum   \N{BLACK DIAMOND} other minimum   "
    "\N{MULTIPLICATION SIGN} saddle point"
)
#: The ball's size with its white halo, in pixels.
BALL_SIZE = style.MARKER_SIZE + 11
#: The dots on each step of a short path, in pixels.
PATH_SYMBOL_SIZE = 6
CONTOUR_PEN = pg.mkPen((255, 255, 255, 150), width=1.2)
HELD_PEN = pg.mkPen("#404040", width=2, style=Qt.PenStyle.DashLine)


def _colormap() -> pg.ColorMap:
    """Return viridis washed towards white, so the red path and dark lines read on it."""
    base = pg.colormap.get("viridis")
    stops, colours = base.getStops(mode="float")
    washed = np.column_stack([0.72 * colours[:, :3] + 0.28, colours[:, 3]])
    return pg.ColorMap(stops, np.round(255 * washed).astype(np.uint8))


class ContourView(pg.PlotWidget):
    """J(slope, intercept) from above, with the descent path; a click picks the start.

    Passive: ``set_*`` methods draw what they are given and never emit
    ``startRequested``; only a left click by the user does.

    Parameters
    ----------
    parent : QWidget, optional
        The parent widget.

    Attributes
    ----------
    image, path : pyqtgraph items
        The colour map and the path, exposed for tests and screenshots.
    ball, start, optimum : Marker
        The markers; ``getData()`` gives each one's position as a scatter's would.
    isocurves : list of pg.IsocurveItem
        The contour lines.
    run_paths, run_starts, run_balls : list
        One per run slot: the path (a ``PlotCurveItem``), start and ball (``Marker``)
        of each run that is not the selected one, under the selected run's; hidden for
        the selected slot and unused slots. A start is shown only where it differs
        from the selected run's.
    """

    #: The user clicked at (slope, intercept) in data coordinates: start there.
    startRequested = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=style.current_theme().background)
        self.setObjectName(OBJECT_NAME)
        self.setAccessibleName("cost seen from above, with the descent path")
        self.setToolTip(CLICK_TIP)
        style.style_plot(self, "slope m", "intercept b")
        self.getPlotItem().showGrid(x=False, y=False)  # grid lines over a colour map read as noise
        self.getViewBox().setDefaultPadding(0.0)
        self._problem: CostModel | None = None
        self._domain: Domain | None = None
        self._fixed: dict[str, float] = {}
        self._fit: Fit | None = None
        self.m_values = np.empty(0)
        self.b_values = np.empty(0)
        self.cost = np.empty((0, 0))
        self._marker_scale = 1.0
        self._theme = style.current_theme()

        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setColorMap(_colormap())
        self.image.setZValue(IMAGE_Z)
        #: An extra picture between the colour map and the contour lines (see set_overlay).
        self.overlay = pg.ImageItem(axisOrder="col-major")
        self.overlay.setZValue(OVERLAY_Z)
        self.overlay.setVisible(False)
        self.isocurves = []
        # One more line than levels: a saddle's own level, through the saddle point.
        for _ in range(CONTOUR_LEVELS + 1):
            curve = pg.IsocurveItem(pen=CONTOUR_PEN, axisOrder="col-major")
            curve.setZValue(LINES_Z)
            # Stroking the lines is most of a repaint, and they only change with the
            # cost or the zoom: keep them as a picture of the screen.
            curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.isocurves.append(curve)
        # A function's stationary points: few, and they change only with the function.
        self.global_minima = pg.ScatterPlotItem(
            symbol="star",
            size=style.MARKER_SIZE + 9,
            pen=pg.mkPen("w", width=1.5),
            name=GLOBAL_NAME,
        )
        self.local_minima = pg.ScatterPlotItem(
            symbol="d", size=style.MARKER_SIZE - 2, pen=pg.mkPen("w", width=1.5), name=LOCAL_NAME
        )
        self.saddles = pg.ScatterPlotItem(
            symbol="x", size=style.MARKER_SIZE, pen=pg.mkPen("w", width=1), name=SADDLE_NAME
        )
        #: What the markers mean, above the map (a legend inside would hide part of it).
        self.legend_text = ""
        self._markers_text = ""  # what the markers are, shown unless a note replaces it
        self._legend_texts: list[str] = [""]
        self._legend_width = -1
        self._note: str | None = None
        self._function = False
        self.held = pg.InfiniteLine(angle=0, pen=HELD_PEN, movable=False)
        self.held.setVisible(False)
        # symbol=None explicitly: a symbol size or brush alone would switch markers on.
        self.path = pg.PlotDataItem(
            pen=pg.mkPen(PATH_COLOUR, width=2.5),
            symbol=None,
            symbolSize=PATH_SYMBOL_SIZE,
            symbolBrush=PATH_COLOUR,
            symbolPen=None,
        )
        self._marked = False
        self._drawn = np.empty((0, 2))
        self._run_slot = 0
        # Plain curves, without a dot per step: lighter to update and paint than the
        # selected run's path, so a race costs little more than one run.
        self.run_paths = [pg.PlotCurveItem() for _ in range(MAX_RUNS)]
        self.run_starts = [Marker([("o", 14, None, "w")]) for _ in range(MAX_RUNS)]
        self.run_balls = [Marker([("o", BALL_SIZE, None, "w")]) for _ in range(MAX_RUNS)]
        for path in self.run_paths:
            path.setVisible(False)
        self._run_drawn = [np.empty((0, 2)) for _ in range(MAX_RUNS)]
        self._run_extent: NDArray[np.float64] = np.empty((0, 2))
        self.start = Marker([("o", 14, pg.mkPen(PATH_COLOUR, width=3), "w")])
        # A white disc under the ball keeps it visible on its own red path.
        self.ball = Marker(
            [
                ("o", BALL_SIZE, None, "w"),
                ("o", style.MARKER_SIZE + 5, pg.mkPen("#202020", width=1.5), style.BALL),
            ]
        )
        self.optimum = Marker(
            [("star", style.MARKER_SIZE + 9, pg.mkPen("w", width=1.5), style.OPTIMUM)]
        )
        # The view frames the colour map and the path's extent (with room for the ball),
        # which changes far less often than the path: only a diverging run moves it.
        self._frame = ViewFrame(pixel_padding=BALL_SIZE / 2)
        self.addItem(self._frame)
        self.addItem(self.image)
        self.addItem(self.overlay, ignoreBounds=True)
        for curve in self.isocurves:
            self.addItem(curve, ignoreBounds=True)
        # The optimum on top: the target stays visible under a path that circles it; the
        # selected run over the others.
        for item in (
            self.held,
            *self.run_paths,
            *self.run_starts,
            *self.run_balls,
            self.path,
            self.start,
            self.ball,
            self.optimum,
            self.local_minima,
            self.saddles,
            self.global_minima,
        ):
            self.addItem(item, ignoreBounds=True)
        #: The per-row gradients of a stochastic or mini-batch step (View → Gradient spread).
        self.spread = SpreadArrows(self, self._spread_said)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.apply_theme(style.current_theme())

    def apply_theme(self, theme: style.Theme) -> None:
        """Recolour the plot, the path and the markers (the colour map stays)."""
        style.theme_plot(self, theme)
        self._theme = theme
        self._style_runs()
        self.optimum.set_layers(
            [("star", style.MARKER_SIZE + 9, pg.mkPen("w", width=1.5), theme.optimum)]
        )
        self.global_minima.setBrush(pg.mkBrush(theme.optimum))
        self.local_minima.setBrush(pg.mkBrush(theme.optimum))
        self.saddles.setPen(pg.mkPen(theme.foreground, width=3))

    def set_marker_scale(self, factor: float) -> None:
        """Draw the start, the ball, the optimum and the path ``factor`` times their base size.

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
        self._style_runs()
        self.path.setSymbolSize(PATH_SYMBOL_SIZE * factor)
        for marker in (self.start, self.ball, self.optimum, *self.run_starts, *self.run_balls):
            marker.set_scale(factor)
        many = len(self.local_minima.data) > MANY_MINIMA
        for item, size in (
            (self.global_minima, style.MARKER_SIZE + 9),
            (self.local_minima, 7 if many else style.MARKER_SIZE - 2),
            (self.saddles, style.MARKER_SIZE),
        ):
            item.setSize(size * factor)
        self._frame.set_pixel_padding(BALL_SIZE * factor / 2)
        self.spread.set_marker_scale(factor)

    def _colours(self, slot: int) -> tuple[object, object]:
        """Return slot ``slot``'s path and ball colours (slot 0's are the theme's own)."""
        if slot == 0:
            return self._theme.path, self._theme.ball
        colour = style.run_colour(slot, self._theme)
        return colour, colour

    def _style_path(
        self, path: pg.PlotDataItem | pg.PlotCurveItem, start: Marker, ball: Marker, slot: int
    ) -> None:
        line, fill = self._colours(slot)
        path.setPen(pg.mkPen(line, width=2.5 * self._marker_scale))
        if isinstance(path, pg.PlotDataItem):
            path.setSymbolBrush(line)
        start.set_layers([("o", 14, pg.mkPen(line, width=3), "w")])
        ball.set_layers(
            [
                ("o", BALL_SIZE, None, "w"),
                ("o", style.MARKER_SIZE + 5, pg.mkPen("#202020", width=1.5), fill),
            ]
        )

    def _style_runs(self) -> None:
        """Colour the selected run's path and markers, and every other slot's."""
        self._style_path(self.path, self.start, self.ball, self._run_slot)
        for slot in range(MAX_RUNS):
            self._style_path(
                self.run_paths[slot], self.run_starts[slot], self.run_balls[slot], slot
            )

    @property
    def marker_scale(self) -> float:
        """Return the factor markers and the path are drawn at."""
        return self._marker_scale

    @property
    def domain(self) -> Domain | None:
        """Return the window the colour map covers, or None before a problem is set."""
        return self._domain

    def grid_axes(
        self, problem: CostModel, domain: Domain | tuple[float, float, float, float]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Return the slopes and intercepts at which the colour map samples the cost."""
        return drawable(domain).grid(self._grid_size(problem))

    def set_problem(
        self,
        problem: CostModel,
        domain: Domain | tuple[float, float, float, float],
        fixed: Mapping[str, float] | None = None,
        cost: NDArray[np.float64] | None = None,
    ) -> None:
        """Show a new cost over ``domain``; recomputes only if problem or domain changed.

        Parameters
        ----------
        problem : CostModel
            The cost to show.
        domain : Domain or (m_min, m_max, b_min, b_max)
            The window the colour map covers (see ``domain.problem_domain``).
        fixed : mapping, optional
            Held parameters as in ``DescentConfig.fixed``; drawn as a dashed line the
            path cannot leave.
        cost : ndarray, optional
            The cost at :meth:`grid_axes`, computed elsewhere (it can be slow).
        """
        self._show_held(fixed)
        domain = drawable(domain)
        if problem is self._problem and domain == self._domain and cost is None:
            if not self._function and self._fit is not None:
                self._show_legend(optimum_legend(problem, self._fit, bool(fixed)))
            return
        self._problem = problem
        function = problem.kind == "function"
        if function != self._function:
            self._function = function
            self._label_axes()
        fit = self._fit = reference_fit(problem)
        # A function marks all its minima and saddles instead of one optimum.
        self.optimum.place(fit.theta if fit.exists and not function else None)
        self._draw_cost(domain, cost)
        self._mark_stationary(problem if function else None)
        if not function:
            self._show_legend(optimum_legend(problem, fit, bool(fixed)))

    def _label_axes(self) -> None:
        """Name the axes x and y on a function, slope and intercept on regression."""
        x_label, y_label = ("x", "y") if self._function else ("slope m", "intercept b")
        style.label_axis(self, "bottom", x_label)
        style.label_axis(self, "left", y_label)
        self.setToolTip(FUNCTION_TIP if self._function else CLICK_TIP)
        self.setAccessibleName(
            "the function seen from above, with its minima, saddles and the descent path"
            if self._function
            else "cost seen from above, with the descent path"
        )

    def _mark_stationary(self, problem: CostModel | None) -> None:
        """Mark a function's minima (the lowest as stars) and saddles; None clears them."""
        lowest: list[tuple[float, float]] = []
        others: list[tuple[float, float]] = []
        saddles: list[tuple[float, float]] = []
        if problem is not None:
            minima = list(problem.minima)  # type: ignore[attr-defined]
            saddles = list(problem.saddles)  # type: ignore[attr-defined]
            values = [problem.cost(np.asarray(p, dtype=np.float64)) for p in minima]
            finite = self.cost[np.isfinite(self.cost)]
            spread = float(np.ptp(finite)) if finite.size else 1.0
            for point, value in zip(minima, values, strict=True):
                same = abs(value - values[0]) <= EQUALLY_LOW * max(spread, abs(values[0]), 1.0)
                (lowest if same else others).append(point)
        names = []
        for item, points, (symbol, name) in (
            (self.global_minima, lowest, LEGEND[GLOBAL_NAME]),
            (self.local_minima, others, LEGEND[LOCAL_NAME]),
            (self.saddles, saddles, LEGEND[SADDLE_NAME]),
        ):
            xy = np.asarray(points, dtype=np.float64).reshape(-1, 2)
            item.setData(pos=xy)
            item.setVisible(len(xy) > 0)
            if len(xy):
                names.append(f"{symbol} {name}")
        self.local_minima.setSize(
            (7 if len(others) > MANY_MINIMA else style.MARKER_SIZE - 2) * self._marker_scale
        )
        self._show_legend("  ".join(names))

    def set_note(self, html: str | None, tooltip: str = "") -> None:
        """Say ``html`` above the map instead of what its markers are; None: the markers again.

        An overlay explains itself here (the basins' colours) rather than in a legend on
        the map, which at a classroom's text size covered a third of it.
        """
        self._note = html
        self.setToolTip(tooltip)
        self._show_legend(self._markers_text)

    def _show_legend(self, text: str) -> None:
        """Say above the map what its markers are (nothing on regression), or the note."""
        self._markers_text = text
        if self._note is not None:
            text = self._note
        # The spread of a step says the most that fits the map's width.
        texts = [f"{text} · {said}" if text else said for said in self.spread.texts] or [text]
        if texts == self._legend_texts and self.width() == self._legend_width:
            return
        self._legend_texts, self._legend_width = texts, self.width()
        item = self.getPlotItem()
        if text or self.spread.texts:
            size = f"{style.BASE_POINT_SIZE - 1}pt"
            self.legend_text = fit_title(item, texts, **style.text_style(size=size))
        else:
            self.legend_text = fit_title(item, [])

    def set_domain(self, domain: Domain | tuple[float, float, float, float]) -> None:
        """Show the current cost over another window (e.g. after a run flew off).

        Parameters
        ----------
        domain : Domain or (m_min, m_max, b_min, b_max)
            The new window.
        """
        domain = drawable(domain)
        if self._problem is not None and domain != self._domain:
            self._draw_cost(domain)

    def show_scene(self, scene: Scene) -> None:
        """Draw every run of ``scene``: a path, a ball and (where starts differ) a start each.

        The selected run is drawn as :meth:`set_path` draws, on top; the others in
        their colours under it. The view frames every path.

        Parameters
        ----------
        scene : Scene
            What to draw.
        """
        current = scene.current
        if self._function and self.getPlotItem().getAxis("bottom").labelText != "x":
            self._label_axes()  # whoever names the regression's parameters named these too
        if current.slot != self._run_slot:
            self._run_slot = current.slot
            self._style_path(self.path, self.start, self.ball, current.slot)
        others = {t.slot: t for t in scene.others()}
        start = current.params[0] if len(current.params) else None
        extents = []
        for slot in range(MAX_RUNS):
            trace = others.get(slot)
            drawn = self._draw_other(slot, trace, start)
            # Another run's divergent flight is drawn but not followed: the others
            # would shrink to a dot (selecting it follows it).
            if trace is None or trace.diverged_at is None:
                extents.append(drawn)
        self._run_extent = np.concatenate(extents)
        self.set_path(current.params)
        self._follow_paths()
        self._frame_view()
        self.spread.show_scene(scene)  # after the framing: its arrows fit the view

    def _spread_said(self, text: str) -> None:
        self.getPlotItem().titleLabel.setToolTip(SPREAD_TIP if text else "")
        self._show_legend(self._markers_text)

    def _follow_paths(self) -> None:
        """Widen the colour map to the paths drawn when they leave it."""
        problem, domain = self._problem, self._domain
        if problem is None or domain is None:
            return
        if not can_follow(problem, len(self.m_values) * len(self.b_values)):
            return
        points = [self._drawn, self._run_extent] if len(self._run_extent) else [self._drawn]
        wider = follow_path(domain, np.concatenate(points))
        if wider is not None:
            self._draw_cost(wider)

    def _draw_other(
        self, slot: int, trace: RunTrace | None, start: NDArray[np.float64] | None
    ) -> NDArray[np.float64]:
        """Draw another run's path, ball and start in slot ``slot``; return its points."""
        path, ball, marker = self.run_paths[slot], self.run_balls[slot], self.run_starts[slot]
        drawn = (
            decimate_path(trace.params, OTHER_PATH_POINTS)
            if trace is not None
            else np.empty((0, 2))
        )
        same_start = len(drawn) == 0 or (start is not None and np.array_equal(drawn[0], start))
        marker.place(None if same_start else drawn[0])
        if np.array_equal(drawn, self._run_drawn[slot]):
            return drawn
        self._run_drawn[slot] = drawn.copy()
        if len(drawn) == 0:
            path.setData(x=[], y=[])
            path.setVisible(False)
            ball.place(None)
            return drawn
        shown = np.clip(drawn, -LIMIT, LIMIT)
        path.setData(shown[:, 0], shown[:, 1])
        path.setVisible(True)
        ball.place(drawn[-1])
        return drawn

    def set_path(self, params: ArrayLike) -> None:
        """Draw the path so far and put the ball on its last point.

        Parameters
        ----------
        params : array_like, shape (k, 2)
            Slope and intercept at each step, the start first; empty hides the path.
        """
        drawn = decimate_path(params)
        if np.array_equal(drawn, self._drawn):
            return  # nothing new: a paused run or a repeated frame
        self._drawn = drawn.copy()  # the caller's buffer may be written in place
        if len(drawn) == 0:
            self.path.setData(x=[], y=[])
            self.start.place(None)
            self.ball.place(None)
            self._frame_view()
            return
        marked = len(drawn) <= MAX_MARKED_STEPS
        if marked != self._marked:
            self.path.setSymbol("o" if marked else None)
            self._marked = marked
        # Past ±LIMIT a point is far off screen, and a scatter's symbols overflow there.
        shown = np.clip(drawn, -LIMIT, LIMIT)
        self.path.setData(shown[:, 0], shown[:, 1])
        self.start.place(drawn[0])
        self.ball.place(drawn[-1])
        self._frame_view()

    def _frame_view(self) -> None:
        points = (
            np.concatenate([self._drawn, self._run_extent])
            if len(self._run_extent)
            else self._drawn
        )
        finite = points[np.isfinite(points).all(axis=1)]
        if len(finite) and self._function and self._problem is not None:
            # A run falling away from a saddle is not chased to 1e50: the map keeps to
            # the function's domain and one more domain around it, as its shading does.
            x0, x1, y0, y1 = self._problem.domain  # type: ignore[attr-defined]
            w, h = x1 - x0, y1 - y0
            finite = np.clip(finite, (x0 - w, y0 - h), (x1 + w, y1 + h))
        if len(finite):
            low, high = finite.min(axis=0), finite.max(axis=0)
            self._frame.follow((low[0], high[0]), (low[1], high[1]))
        else:
            self._frame.follow(None, None)

    def _show_held(self, fixed: Mapping[str, float] | None) -> None:
        held = {str(k).lower(): float(v) for k, v in (fixed or {}).items()}
        self._fixed = held
        for names, angle in ((("b", "intercept"), 0), (("m", "slope"), 90)):
            value = next((held[n] for n in names if n in held), None)
            if value is not None:
                self.held.setAngle(angle)
                self.held.setValue(value)
                self.held.setVisible(True)
                return
        self.held.setVisible(False)

    def _grid_size(self, problem: CostModel) -> int:
        if problem.kind in ("linear", "function"):
            return GRID_SIZE
        rows = max(len(problem.data.x), 1)
        return int(np.clip(math.isqrt(LOGISTIC_BUDGET // rows), MIN_GRID_SIZE, GRID_SIZE))

    def _draw_cost(self, domain: Domain, cost: NDArray[np.float64] | None = None) -> None:
        assert self._problem is not None
        m_values, b_values = self.grid_axes(self._problem, domain)
        if cost is None:
            with np.errstate(over="ignore", invalid="ignore"):  # a flight's costs overflow
                cost = cost_grid(self._problem, m_values, b_values)
        if self._function:
            shade, (bottom, top), levels = function_shade(self._problem, cost)
        else:
            shade, (bottom, top) = log_shade(cost, DECADES)
            levels = self._levels(bottom, top)
        self.image.setImage(shade, levels=(bottom, top), autoLevels=False)
        # Pixel i is centred on m_values[i] (the contour lines assume the same).
        self.image.setRect(_pixel_rect(domain, len(m_values), len(b_values)))
        transform = self.image.transform()
        for index, curve in enumerate(self.isocurves):
            if index < len(levels):
                curve.setTransform(transform)  # in the image's pixel coordinates
                curve.setData(shade, float(levels[index]))
                curve.setVisible(True)
            else:
                curve.setData(None)
                curve.setVisible(False)
        self._domain, self.m_values, self.b_values, self.cost = domain, m_values, b_values, cost

    def set_overlay(
        self, image_rgba: NDArray[np.uint8], domain: Domain | tuple[float, float, float, float]
    ) -> None:
        """Lay a picture over the colour map, under the contour lines, the paths and markers.

        Parameters
        ----------
        image_rgba : ndarray, shape (nx, ny, 4), uint8
            Pixel ``[i, j]`` is drawn centred on the i-th of ``nx`` evenly spaced x and
            the j-th of ``ny`` evenly spaced y spanning ``domain`` (the layout of
            ``cost_grid``); its alpha lets the colour map show through.
        domain : Domain or (x_min, x_max, y_min, y_max)
            The first and last pixel centres along each axis.
        """
        rgba = np.asarray(image_rgba, dtype=np.uint8)
        if rgba.ndim != 3 or rgba.shape[2] != 4:
            raise ValueError(f"an overlay is an (nx, ny, 4) RGBA image, not shape {rgba.shape}")
        window = drawable(domain)
        self.overlay.setImage(rgba, levels=(0, 255), autoLevels=False)
        self.overlay.setRect(_pixel_rect(window, rgba.shape[0], rgba.shape[1]))
        self.overlay.setVisible(True)

    def clear_overlay(self) -> None:
        """Take the overlay away: the colour map shows as it is."""
        self.overlay.clear()
        self.overlay.setVisible(False)

    @property
    def has_overlay(self) -> bool:
        """Return whether an overlay is shown."""
        return self.overlay.isVisible()

    @staticmethod
    def _levels(bottom: float, top: float) -> NDArray[np.float64]:
        # Evenly spaced in the log shade, leaving out the very top and the flat floor.
        return np.linspace(bottom, top, CONTOUR_LEVELS + 2)[1:-1]

    def marked_points(self) -> dict[str, NDArray[np.float64]]:
        """Return the marked points of a function: lowest minima, other minima, saddles.

        Returns
        -------
        dict of str to ndarray, shape (k, 2)
            Keyed by ``"lowest"``, ``"other"`` and ``"saddles"``; empty on regression.
        """
        out = {}
        for key, item in (
            ("lowest", self.global_minima),
            ("other", self.local_minima),
            ("saddles", self.saddles),
        ):
            x, y = item.getData()
            out[key] = (
                np.column_stack([x, y]) if x is not None and item.isVisible() else np.empty((0, 2))
            )
        return out

    def _clicked(self, event: MouseClickEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        taken = event.isAccepted() and not isinstance(
            event.currentItem,
            pg.PlotDataItem | pg.ScatterPlotItem | pg.PlotCurveItem | pg.ImageItem,
        )
        view = self.getViewBox()
        scene_pos = event.scenePos()
        if taken or not view.sceneBoundingRect().contains(scene_pos):
            return  # another control (the auto-range button, an axis) had the click
        point = view.mapSceneToView(scene_pos)
        self.startRequested.emit(float(point.x()), float(point.y()))


def optimum_legend(problem: CostModel, fit: Fit, held: bool = False) -> str:
    """Say above a regression's map what its star is, where the penalty or its lack matters.

    Separated classes have no lowest point without an L2 penalty: the map says so rather
    than leave the student looking for a star. With a penalty the star is its optimum.
    With a parameter ``held``, the run's own line across the map may still have a lowest
    point (the history's J*): the map then says that m and b together have none.
    """
    # Short: a narrow map at 1280 × 800 must show it in full.
    if not fit.exists:
        return "no finite optimum of m and b" if held else "no finite optimum"
    if getattr(problem, "l2", 0.0) > 0:
        return "\N{BLACK STAR} optimum with \N{GREEK SMALL LETTER LAMDA} > 0"
    return ""


def _pixel_rect(domain: Domain, nx: int, ny: int) -> QRectF:
    """Return the rectangle of an ``nx`` × ``ny`` image whose pixels centre on a grid of domain."""
    dm = (domain.m_max - domain.m_min) / max(nx - 1, 1)
    db = (domain.b_max - domain.b_min) / max(ny - 1, 1)
    return QRectF(
        domain.m_min - dm / 2,
        domain.b_min - db / 2,
        domain.m_max - domain.m_min + dm,
        domain.b_max - domain.b_min + db,
    )


def log_shade(
    cost: NDArray[np.float64], decades: float, low: float | None = None
) -> tuple[NDArray[np.float64], tuple[float, float]]:
    """Return the log of the height above the lowest value, and the colour span.

    The floor of the bowl, where the path runs, gets as many colours as its steep
    walls. Halves, so that no difference of costs near 1.8e308 overflows; a cost past
    that is drawn as the highest.

    Parameters
    ----------
    cost : ndarray
        The values on the grid; nan where undefined (kept nan: drawn blank).
    decades : float
        How many decades below the highest the colours reach.
    low : float, optional
        The lowest value (the minimum's); by default the grid's lowest.

    Returns
    -------
    shade : ndarray
        log10 of the height above ``low`` (nan where ``cost`` is nan).
    (bottom, top) : (float, float)
        The colour span.
    """
    finite = cost[np.isfinite(cost)]
    grid_low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    low = grid_low if low is None else min(low, grid_low)
    eps = max(0.5 * high - 0.5 * low, 1e-300) * 10.0**-decades
    filled = np.where(np.isnan(cost), np.nan, np.nan_to_num(cost, posinf=high, neginf=low))
    above = 0.5 * filled - 0.5 * low
    with np.errstate(invalid="ignore"):
        shade = np.log10(np.maximum(above, 0.0) + eps)
    bottom = math.log10(eps)
    top = float(np.nanmax(shade)) if np.any(np.isfinite(shade)) else bottom + 1.0
    return shade, (bottom, max(top, bottom + 1.0))  # a flat cost still needs a colour span


def function_shade(
    problem: CostModel, cost: NDArray[np.float64]
) -> tuple[NDArray[np.float64], tuple[float, float], NDArray[np.float64]]:
    """Return a function's shading, its colour span and its contour levels.

    With a minimum: the log of f − f_min (see :func:`log_shade`), the levels evenly
    spaced in it, so that Rosenbrock's valley (0 … 2500) shows its floor. Without one
    (a saddle): f itself, with levels symmetric about the saddle's value, one through
    the saddle point. Where f is undefined (nan) the map is left blank.

    Parameters
    ----------
    problem : CostModel
        A function problem (with ``minima`` and ``saddles``).
    cost : ndarray
        f on the grid.

    A function with minima whose values are evenly spread (:data:`PLAIN_BELOW`) is
    shaded in plain f too, with evenly spaced levels.

    Returns
    -------
    shade : ndarray
        What the colours show.
    (bottom, top) : (float, float)
        The colour span.
    levels : ndarray
        The contour lines' levels, in the shade's units.
    """
    minima = list(getattr(problem, "minima", []))
    finite = cost[np.isfinite(cost)]
    if minima and finite.size and not _evenly_spread(finite):
        lowest = problem.cost(np.asarray(minima[0], dtype=np.float64))
        low = lowest if math.isfinite(lowest) else None
        shade, (bottom, top) = log_shade(cost, FUNCTION_DECADES, low)
        # Leave out the floor (the minimum itself) and the very top.
        levels = np.linspace(bottom, top, CONTOUR_LEVELS + 2)[1:-1]
        return shade, (bottom, top), levels
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    saddles = list(getattr(problem, "saddles", []))
    centre = problem.cost(np.asarray(saddles[0], dtype=np.float64)) if saddles else math.nan
    if minima or not math.isfinite(centre) or not low <= centre <= high:
        centre = 0.5 * low + 0.5 * high
    half = max(high - centre, centre - low)
    if not half > 0.0:
        half = 1.0
    shade = np.clip(np.where(np.isnan(cost), np.nan, cost), centre - half, centre + half)
    # CONTOUR_LEVELS + 1 levels: the saddle's own value in the middle.
    levels = centre + half * np.linspace(-1.0, 1.0, CONTOUR_LEVELS + 3)[1:-1]
    return shade, (centre - half, centre + half), levels


def _evenly_spread(values: NDArray[np.float64]) -> bool:
    """Return whether the highest value is within PLAIN_BELOW times the median height."""
    low = float(values.min())
    typical = float(np.median(values)) - low
    return typical > 0.0 and float(values.max()) - low <= PLAIN_BELOW * typical
