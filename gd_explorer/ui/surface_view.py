"""The 3-D cost surface J(m, b), with the descent path and the ball.

The surface is drawn in a ``QOpenGLWindow`` inside a window container, not a
``QOpenGLWidget``: a ``QOpenGLWidget`` makes Qt composite the *whole* main window
through OpenGL at every repaint, which on a software renderer cut the window's
frame rate by two thirds (14 instead of 41 frames/s in a bare test).

The surface is drawn in a fixed display box whatever the data: slope, intercept
and cost are each mapped onto the box, in double precision, before anything is
given to OpenGL. Costs are often thousands of times larger than the slopes and
intercepts; without the box the bowl would be a needle or a sheet. And OpenGL
takes single precision: a diverged run's slopes of 1e51 and costs of 1e104 do
not fit in one (whose largest is 3.4e38), whereas their place in the box does,
once clipped to a range far outside the view.

A function f(x, y) is drawn over its own domain. When its walls rise far above its
typical height (Rosenbrock: 2500 over a valley floor near 0) the height is drawn on a
log scale of f − f_min, so the valley still has a depth; the height axis says so.
Its minima and saddle points are marked.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
import shiboken6
from numpy.typing import ArrayLike, NDArray
from pyqtgraph.opengl.GLGraphicsItem import GLGraphicsItem
from pyqtgraph.opengl.GLViewWidget import GLViewMixin
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import (
    QFont,
    QImage,
    QOffscreenSurface,
    QOpenGLContext,
    QResizeEvent,
    QVector3D,
)
from PySide6.QtOpenGL import QOpenGLWindow
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gd_explorer.engine import CostModel, cost_grid
from gd_explorer.framing import (
    MAX_PATH_POINTS,
    Domain,
    can_follow,
    decimation,
    drawable,
    follow_path,
    problem_domain,
)
from gd_explorer.scene import MAX_RUNS, RunTrace, Scene
from gd_explorer.ui import style

OBJECT_NAME = "surfaceView"

#: Vertices per side of the surface grid: smooth enough, cheap on a software renderer.
GRID_SIZE = 72
#: Half the side of the display box in slope and intercept, and its height in cost.
BOX_HALF = 5.0
BOX_HEIGHT = 5.5

#: Camera distances that fit the box across the view and, in a wide view, top to bottom
#: (pyqtgraph's field of view is horizontal, so a wide, short view needs more distance).
FIT_WIDTH = 19.5
FIT_HEIGHT = 11.5

BACKGROUND = (250, 250, 250)
FRAME_COLOUR = (0.35, 0.35, 0.35, 1.0)
PATH_COLOUR = (0.85, 0.1, 0.1, 1.0)
BALL_COLOUR = (0.9, 0.05, 0.05, 1.0)
#: The ball's size and the path's width in pixels, before scaling.
BALL_SIZE = 22.0
PATH_WIDTH = 3.0
TEXT_COLOUR = (20, 20, 20)
#: How far outside the box, in box units, a point of a flight is drawn: far off screen,
#: and small enough for single precision.
BOX_CLIP = 1e4
#: Most vertices drawn for a run that is not the selected one (the selected run's path
#: has ``framing.MAX_PATH_POINTS``): on a software renderer each costs.
OTHER_PATH_POINTS = 512
#: A function whose highest value over its domain is more than this many times its
#: median height (both above its lowest) is drawn with a log-compressed height.
COMPRESS_ABOVE = 12.0
#: The compressed height is log(1 + (f − f_min)/s) with s this fraction of the median
#: height: the valley floor, where the path runs, keeps a visible depth.
COMPRESS_SCALE = 0.05
#: Where f is undefined the surface lies flat on the floor of the box, in this colour.
UNDEFINED_COLOUR = (0.8, 0.8, 0.8, 1.0)
MINIMUM_COLOUR = (0.17, 0.63, 0.17, 1.0)
SADDLE_COLOUR = (0.1, 0.1, 0.1, 1.0)
MARK_SIZE = 14.0
#: More minima than this are not all marked on the surface (only the lowest).
MANY_MINIMA = 12
TURN_TIP = "Drag to turn the surface, scroll to zoom."
COMPRESSED_TIP = (
    "Heights on a log scale of f \N{MINUS SIGN} f_min: the walls rise thousands of times "
    "higher than the valley floor, which would otherwise look flat."
)
#: The height axis's name: regression's cost, a function, or a function compressed.
HEIGHT_NAMES = {"cost": "cost J", "function": "f", "compressed": "f (log scale)"}


@functools.cache
def opengl_available() -> bool:
    """Return whether an OpenGL ≥ 2.1 context can be created and made current.

    A ``QOpenGLWidget`` without OpenGL does not raise: it stays black and logs
    warnings, so we ask the platform directly. Needs a ``QGuiApplication``.

    Returns
    -------
    bool
        True if the 3-D view can render here.
    """
    context = QOpenGLContext()
    if not context.create():
        return False
    surface = QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    try:
        if not (surface.isValid() and context.makeCurrent(surface)):
            return False
        context.doneCurrent()
        version = context.format().version()
        return context.isOpenGLES() or version >= (2, 1)
    finally:
        surface.destroy()


def grid_axes(domain: Domain) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the slopes and intercepts at which the surface samples the cost."""
    return drawable(domain).grid(GRID_SIZE)


#: The key of a path drawn in a box that has since moved: redrawn or hidden next time.
_STALE: tuple[object, ...] = ("stale",)


#: Point sizes of the axes' names and of their end values, at the normal text size.
TITLE_POINTS = 16
TICK_POINTS = 13
AXIS_NAMES = ("slope", "intercept", "cost")


class SurfaceCanvas(GLViewMixin, QOpenGLWindow):
    """The OpenGL window that draws the surface, the path and the ball; mouse orbits.

    In a race the selected run has the path and the ball of :meth:`set_path`; every
    other run a path and a ball of its own (``run_paths``, ``run_balls``, one per slot,
    hidden for the selected slot and unused slots), in its colour.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setBackgroundColor(BACKGROUND)
        self.setCameraPosition(
            pos=QVector3D(0.0, 0.0, BOX_HEIGHT * 0.35),
            distance=FIT_WIDTH,
            elevation=30.0,
            azimuth=-52.0,
        )
        self._colormap = pg.colormap.get("viridis")
        self.domain: Domain | None = None
        self._problem: CostModel | None = None  # the cost shown, to widen it to a path
        self._cost_range = (0.0, 1.0)
        self.m_values = np.empty(0)
        self.b_values = np.empty(0)
        self.cost = np.empty((0, 0))
        #: The surface's heights in the box (after any compression), as drawn.
        self.heights = np.empty((0, 0))
        self._marker_scale = 1.0

        # The surface, the path and the ball, in box units (see _to_box).
        self._data_node = GLGraphicsItem()
        self.addItem(self._data_node)
        self._surface = gl.GLSurfacePlotItem(
            parentItem=self._data_node, computeNormals=False, smooth=False, glOptions="opaque"
        )
        self._path = gl.GLLinePlotItem(
            parentItem=self._data_node,
            color=PATH_COLOUR,
            width=PATH_WIDTH,
            antialias=True,
            glOptions="translucent",
        )
        self._path.setVisible(False)
        self._ball = gl.GLScatterPlotItem(
            parentItem=self._data_node,
            color=BALL_COLOUR,
            size=BALL_SIZE,
            pxMode=True,
            glOptions="translucent",
        )
        self._ball.setVisible(False)
        # A function's minima and saddles, on the surface.
        self.minima_marks = gl.GLScatterPlotItem(
            parentItem=self._data_node,
            color=MINIMUM_COLOUR,
            size=MARK_SIZE,
            pxMode=True,
            glOptions="translucent",
        )
        self.saddle_marks = gl.GLScatterPlotItem(
            parentItem=self._data_node,
            color=SADDLE_COLOUR,
            size=MARK_SIZE * 0.8,
            pxMode=True,
            glOptions="translucent",
        )
        self.minima_marks.setVisible(False)
        self.saddle_marks.setVisible(False)
        #: On a function: None (heights as they are) or the scale s of a log-compressed
        #: height, log(1 + (f − f_min)/s).
        self.compression: float | None = None
        self._function = False
        self._run_slot = 0
        self.run_paths = []
        self.run_balls = []
        for _ in range(MAX_RUNS):
            path = gl.GLLinePlotItem(
                parentItem=self._data_node,
                width=PATH_WIDTH,
                antialias=True,
                glOptions="translucent",
            )
            ball = gl.GLScatterPlotItem(
                parentItem=self._data_node, size=BALL_SIZE, pxMode=True, glOptions="translucent"
            )
            path.setVisible(False)
            ball.setVisible(False)
            self.run_paths.append(path)
            self.run_balls.append(ball)
        self._run_keys: list[tuple[object, ...] | None] = [None] * MAX_RUNS
        self._theme = style.current_theme()

        self._frame_item = self._add_frame()
        self._labels = self._add_labels()
        self.apply_theme(style.current_theme())

    def apply_theme(self, theme: style.Theme) -> None:
        """Recolour the background, the box's frame, the labels, the path and the ball."""
        self.setBackgroundColor(theme.surface_background)
        self._frame_item.setData(color=theme.surface_frame)
        for label in self._labels.values():
            label.setData(color=theme.surface_text)
        self._theme = theme
        self._style_runs()
        self.update()

    def _colours(self, slot: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Return slot ``slot``'s path and ball colours (slot 0's are the theme's own)."""
        if slot == 0:
            line, ball = pg.mkColor(self._theme.path), pg.mkColor(self._theme.ball)
        else:
            line = ball = style.run_colour(slot, self._theme)
        return line.getRgbF(), ball.getRgbF()

    def _style_runs(self) -> None:
        line, ball = self._colours(self._run_slot)
        self._path.setData(color=line)
        self._ball.setData(color=ball)
        for slot in range(MAX_RUNS):
            line, ball = self._colours(slot)
            self.run_paths[slot].setData(color=line)
            self.run_balls[slot].setData(color=ball)

    def set_marker_scale(self, factor: float) -> None:
        """Draw the ball and the path ``factor`` times their base size; 1 restores.

        Parameters
        ----------
        factor : float
            The scale relative to the base sizes, not to the current ones.
        """
        factor = float(factor)
        if factor == self._marker_scale:
            return
        self._marker_scale = factor
        for path in (self._path, *self.run_paths):
            path.setData(width=PATH_WIDTH * factor)
        for ball in (self._ball, *self.run_balls):
            ball.setData(size=BALL_SIZE * factor)
        self.minima_marks.setData(size=MARK_SIZE * factor)
        self.saddle_marks.setData(size=MARK_SIZE * 0.8 * factor)
        text = style.plot_text_scale(factor)  # the plots' text size (the marks' already)
        for key, label in self._labels.items():
            font = QFont(label.font)
            font.setPointSizeF((TITLE_POINTS if key in AXIS_NAMES else TICK_POINTS) * text)
            label.setData(font=font)
        self.update()

    @property
    def marker_scale(self) -> float:
        """Return the factor the ball and the path are drawn at."""
        return self._marker_scale

    def devicePixelRatioF(self) -> float:  # noqa: N802 - the name GLViewMixin calls
        """Return the device pixel ratio (QWindow's name for it lacks the F)."""
        return float(self.devicePixelRatio())

    def rect(self) -> QRect:
        """Return the window's own rectangle (GLTextItem asks its view for it)."""
        return QRect(0, 0, self.width(), self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the whole box in view whatever the window's shape."""
        aspect = max(self.width(), 1) / max(self.height(), 1)
        self.setCameraParams(distance=max(FIT_WIDTH, FIT_HEIGHT * aspect))
        super().resizeEvent(event)

    def set_problem(
        self,
        problem: CostModel,
        domain: Domain | None = None,
        cost: NDArray[np.float64] | None = None,
    ) -> None:
        """Recompute and redraw the surface for a new dataset, model or window.

        Parameters
        ----------
        problem : CostModel
            The cost model whose surface to show.
        domain : Domain, optional
            The slopes and intercepts to cover; by default a window around the optimum
            and the usual start (0, 0).
        cost : ndarray, optional
            The cost at :func:`grid_axes` of the domain, computed elsewhere.
        """
        domain = drawable(problem_domain(problem, (0.0, 0.0)) if domain is None else domain)
        m_values, b_values = grid_axes(domain)
        if cost is None:
            with np.errstate(over="ignore", invalid="ignore"):  # a flight's costs overflow
                cost = cost_grid(problem, m_values, b_values)
        finite = cost[np.isfinite(cost)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self._function = problem.kind == "function"
        self.compression = compression(finite) if self._function else None
        self.domain, self._cost_range = domain, (low, high)
        if self._function:
            # Undefined points lie on the floor, grey; an overflow is drawn at the top.
            undefined = np.isnan(cost)
            height = self._heights(np.nan_to_num(cost, nan=low, posinf=high, neginf=low))
        else:
            undefined = np.zeros(cost.shape, dtype=bool)
            # A cost too large for a double is drawn at the top of the box.
            height = self._heights(np.nan_to_num(cost, nan=high, posinf=high, neginf=low))
        # The square root spreads the colours over the floor of the bowl, where the path runs.
        colours = self._colormap.map(np.sqrt(np.clip(height, 0.0, 1.0)).ravel(), mode="float")
        colours[undefined.ravel()] = UNDEFINED_COLOUR
        x, y, _ = self._box_points(m_values, b_values, None)
        self._surface.setData(x=x, y=y, z=height * BOX_HEIGHT, colors=colours)
        self.m_values, self.b_values, self.cost = m_values, b_values, cost
        self._problem = problem
        self.heights = height * BOX_HEIGHT
        self._update_labels(domain)
        self._mark_stationary(problem if self._function else None)
        # The box moved: every path shown is redrawn (a stale key, not None, so that a
        # run gone from the next scene is still hidden).
        self._run_keys = [None if key is None else _STALE for key in self._run_keys]

    def _heights(self, cost: NDArray[np.float64]) -> NDArray[np.float64]:
        """Return costs as heights in the box, 0 at the lowest and 1 at the highest shown.

        On a compressed function, log(1 + (f − f_min)/s) over its value at the top.
        """
        low, high = self._cost_range
        scale = self.compression
        if scale is None:
            return _to_box(cost, low, high, 1.0)
        v = np.asarray(cost, dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            above = v - low
            # Below the lowest point (a run falling further) the height goes below 0 alike.
            compressed = np.sign(above) * np.log1p(np.abs(above) / scale)
        top = max(math.log1p(max(high - low, 0.0) / scale), np.finfo(float).tiny)
        return _to_box(compressed, 0.0, top, 1.0)

    def _mark_stationary(self, problem: CostModel | None) -> None:
        """Put a function's minima and saddles on the surface; None takes them away."""
        for item, name in ((self.minima_marks, "minima"), (self.saddle_marks, "saddles")):
            points = [] if problem is None else list(getattr(problem, name))
            if len(points) > MANY_MINIMA:
                points = points[:1]  # Rastrigin's 121 would hide the surface: the lowest
            xy = np.asarray(points, dtype=np.float64).reshape(-1, 2)
            if problem is not None and len(xy):
                values = problem.values(xy[:, 0], xy[:, 1])  # type: ignore[attr-defined]
                x, y, _ = self._box_points(xy[:, 0], xy[:, 1], None)
                z = self._heights(values) * BOX_HEIGHT
                item.setData(pos=np.column_stack([x, y, z]))
            item.setVisible(problem is not None and len(xy) > 0)
        names = "compressed" if self.compression is not None else "function"
        labels = ("x", "y") if problem is not None else ("slope m", "intercept b")
        self._labels["slope"].setData(text=labels[0])
        self._labels["intercept"].setData(text=labels[1])
        self._labels["cost"].setData(text=HEIGHT_NAMES[names if problem is not None else "cost"])
        # Rightwards from the box's corner: a longer name would run out of the view.
        align = Qt.AlignmentFlag
        self._labels["cost"].setData(
            alignment=align.AlignLeft | align.AlignVCenter
            if problem is not None
            else align.AlignHCenter | align.AlignVCenter
        )

    def show_scene(self, scene: Scene) -> None:
        """Draw every run of ``scene``: a path and a ball each, in its colour.

        Parameters
        ----------
        scene : Scene
            What to draw; the selected run as :meth:`set_path` draws it.
        """
        current = scene.current
        if current.slot != self._run_slot:
            self._run_slot = current.slot
            self._style_runs()
        others = {t.slot: t for t in scene.others()}
        self._follow_paths(current, others.values())
        for slot in range(MAX_RUNS):
            trace = others.get(slot)
            path, ball = self.run_paths[slot], self.run_balls[slot]
            if trace is None:
                if self._run_keys[slot] is not None:
                    self._run_keys[slot] = None
                    path.setVisible(False)
                    ball.setVisible(False)
                continue
            # A finished run's path stays as it is: not sent to OpenGL again.
            key = (len(trace.params), trace.params[-1:].tobytes(), trace.cost[-1:].tobytes())
            if key == self._run_keys[slot]:
                continue
            self._run_keys[slot] = key
            points = self._path_points(trace.params, trace.cost, OTHER_PATH_POINTS)
            path.setVisible(len(points) > 1)
            ball.setVisible(len(points) > 0)
            if len(points):
                path.setData(pos=points)
                ball.setData(pos=points[-1:])
        self.set_path(current.params, current.cost)

    def _follow_paths(self, current: RunTrace, others: Iterable[RunTrace]) -> None:
        """Widen the surface to the paths drawn when they leave it (the box moves).

        Another run's divergent flight is not followed, as on the contour.
        """
        problem, domain = self._problem, self.domain
        if problem is None or domain is None or not can_follow(problem, self.cost.size):
            return
        drawn = [current.params[decimation(len(current.params))]]
        drawn += [
            t.params[decimation(len(t.params), OTHER_PATH_POINTS)]
            for t in others
            if t.diverged_at is None
        ]
        wider = follow_path(domain, np.concatenate([np.reshape(p, (-1, 2)) for p in drawn]))
        if wider is not None:
            self.set_problem(problem, wider)

    def _path_points(
        self,
        params: NDArray[np.float64],
        cost: NDArray[np.float64],
        max_points: int = MAX_PATH_POINTS,
    ) -> NDArray[np.float64]:
        """Return a path's points in box units, decimated as every view's path is."""
        keep = decimation(len(params), max_points)  # pick before stacking: paths reach 10⁶ points
        picked = np.asarray(params, dtype=np.float64).reshape(-1, 2)[keep]
        return np.column_stack(
            self._box_points(picked[:, 0], picked[:, 1], np.asarray(cost, dtype=np.float64)[keep])
        )

    def set_path(self, params: NDArray[np.float64], cost: NDArray[np.float64]) -> None:
        """Show a descent path and put the ball at its last point.

        Parameters
        ----------
        params : ndarray, shape (k, 2)
            Slope and intercept at each step; empty hides path and ball.
        cost : ndarray, shape (k,)
            The cost at each step.
        """
        points = self._path_points(params, cost)
        has_path = len(points) > 0
        self._path.setVisible(len(points) > 1)
        self._ball.setVisible(has_path)
        if has_path:
            self._path.setData(pos=points)
            self._ball.setData(pos=points[-1:])

    def _box_points(
        self,
        m: NDArray[np.float64],
        b: NDArray[np.float64],
        cost: NDArray[np.float64] | None,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Return slopes, intercepts and costs as box coordinates, ready for float32."""
        domain = self.domain or Domain(-1.0, 1.0, -1.0, 1.0)
        size = 2.0 * BOX_HALF
        x = _to_box(m, domain.m_min, domain.m_max, size) - BOX_HALF
        y = _to_box(b, domain.b_min, domain.b_max, size) - BOX_HALF
        z = np.empty(0) if cost is None else self._heights(cost) * BOX_HEIGHT
        return x, y, z

    def _add_frame(self) -> gl.GLLinePlotItem:
        h, z = BOX_HALF, BOX_HEIGHT
        corners = [(-h, -h), (h, -h), (h, h), (-h, h)]
        edges = []
        for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1], strict=True):
            edges += [(x0, y0, 0.0), (x1, y1, 0.0)]
        edges += [(-h, -h, 0.0), (-h, -h, z)]
        frame = gl.GLLinePlotItem(
            pos=np.array(edges), mode="lines", color=FRAME_COLOUR, width=1.5, antialias=True
        )
        # Lines blend additively by default, which turns them white on a light background.
        frame.setGLOptions("translucent")
        self.addItem(frame)
        return frame

    def _add_labels(self) -> dict[str, gl.GLTextItem]:
        h, z = BOX_HALF, BOX_HEIGHT
        title_font, tick_font = QFont(), QFont()
        scale = style.plot_text_scale(self._marker_scale)
        title_font.setPointSizeF(TITLE_POINTS * scale)
        title_font.setBold(True)
        tick_font.setPointSizeF(TICK_POINTS * scale)
        align = Qt.AlignmentFlag
        centre = align.AlignHCenter | align.AlignVCenter
        # The two ticks at the near corner lean away from each other so they never overlap.
        places = {
            "slope": ((0.0, -h - 1.8, 0.0), "slope m", title_font, centre),
            "intercept": ((h + 1.5, 0.0, 0.0), "intercept b", title_font, centre),
            "cost": ((-h, -h, z + 0.6), "cost J", title_font, centre),
            "slope_low": ((-h, -h - 0.7, 0.0), "", tick_font, centre),
            "slope_high": ((h, -h - 0.7, 0.0), "", tick_font, align.AlignRight | align.AlignTop),
            "intercept_low": ((h + 0.7, -h, 0.0), "", tick_font, align.AlignLeft | align.AlignTop),
            "intercept_high": ((h + 0.7, h, 0.0), "", tick_font, centre),
        }
        labels = {}
        for key, (pos, text, font, alignment) in places.items():
            # Additive blending (the default) makes dark text vanish on a light background.
            item = gl.GLTextItem(
                pos=pos,
                text=text,
                font=font,
                color=TEXT_COLOUR,
                alignment=alignment,
                glOptions="translucent",
            )
            self.addItem(item)
            labels[key] = item
        return labels

    def _update_labels(self, domain: Domain) -> None:
        for axis, (low, high) in (("slope", domain.slope), ("intercept", domain.intercept)):
            self._labels[f"{axis}_low"].setData(text=f"{low:.3g}")
            self._labels[f"{axis}_high"].setData(text=f"{high:.3g}")


class SurfaceView(QWidget):
    """The 3-D cost surface panel: a :class:`SurfaceCanvas` in a window container.

    Parameters
    ----------
    parent : QWidget, optional
        The parent widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self.setAccessibleName("3-D cost surface")
        self.setToolTip(TURN_TIP)
        self.setMinimumSize(200, 160)
        self.canvas = SurfaceCanvas()
        container = QWidget.createWindowContainer(self.canvas, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(container)
        self._container: QWidget | None = container

    @property
    def released(self) -> bool:
        """Return whether :meth:`release` freed the OpenGL window (the panel is then empty)."""
        return self._container is None

    def release(self) -> None:
        """Free the OpenGL window and its context now; safe to call twice.

        Called when the main window closes or the application quits, while the
        application still exists. Left to interpreter exit, the OpenGL window
        (owned by Python) could be destroyed apart from its container and before
        it, and the process crashed on its way out after everything else went well.
        """
        container, self._container = self._container, None
        if container is None or not shiboken6.isValid(container):
            return
        container.hide()
        # Unparented first, so that Python's record of this panel's children forgets it;
        # the container owns the OpenGL window and deletes it with itself.
        container.setParent(None)
        shiboken6.delete(container)

    def set_problem(
        self,
        problem: CostModel,
        domain: Domain | None = None,
        cost: NDArray[np.float64] | None = None,
    ) -> None:
        """Recompute the surface for a new dataset, model or window (see the canvas)."""
        if not self.released:
            self.canvas.set_problem(problem, domain, cost)
            compressed = self.canvas.compression is not None
            self.setToolTip(f"{COMPRESSED_TIP}\n{TURN_TIP}" if compressed else TURN_TIP)

    def set_path(self, params: NDArray[np.float64], cost: NDArray[np.float64]) -> None:
        """Show a descent path and put the ball at its last point (see the canvas)."""
        if not self.released:
            self.canvas.set_path(params, cost)

    def show_scene(self, scene: Scene) -> None:
        """Draw every run of ``scene`` (see the canvas)."""
        if not self.released:
            self.canvas.show_scene(scene)

    def apply_theme(self, theme: style.Theme) -> None:
        """Recolour the 3-D view (see the canvas)."""
        if not self.released:
            self.canvas.apply_theme(theme)

    def set_marker_scale(self, factor: float) -> None:
        """Draw the ball and the path ``factor`` times their base size (see the canvas)."""
        if not self.released:
            self.canvas.set_marker_scale(factor)

    def grabFramebuffer(self) -> QImage:  # noqa: N802 - Qt's name for it
        """Render the surface now and return the image."""
        if self.released:
            return QImage()
        # A QOpenGLWindow reads back its back buffer, stale after a swap: draw it first.
        self.canvas.makeCurrent()
        self.canvas.paintGL()
        return self.canvas.grabFramebuffer()


def compression(values: NDArray[np.float64]) -> float | None:
    """Return the scale s of a log-compressed height for a function's values, or None.

    None when the highest value is within :data:`COMPRESS_ABOVE` times the median
    height (both above the lowest): the surface is then drawn as it is.

    Parameters
    ----------
    values : ndarray
        The function's finite values on the grid.

    Returns
    -------
    float or None
        The scale, in units of f.
    """
    if not values.size:
        return None
    low, high = float(values.min()), float(values.max())
    typical = float(np.median(values)) - low
    if not typical > 0.0 or not high - low > COMPRESS_ABOVE * typical:
        return None
    return COMPRESS_SCALE * typical


def _to_box(values: ArrayLike, low: float, high: float, size: float) -> NDArray[np.float64]:
    """Map ``[low, high]`` onto ``[0, size]``, clipped to ``±BOX_CLIP``, in double precision.

    Halves first, so no difference of values near ±1.8e308 overflows.

    Parameters
    ----------
    values : array_like
        Slopes, intercepts or costs.
    low, high : float
        The interval that fills the box along this axis.
    size : float
        The box's side along it.

    Returns
    -------
    ndarray
        Box coordinates, all finite (nan is put at ``low``).
    """
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        span = max(high / 2.0 - low / 2.0, np.finfo(float).tiny)
        box = (v / 2.0 - low / 2.0) / span * size
    return np.clip(
        np.nan_to_num(box, nan=0.0, posinf=BOX_CLIP, neginf=-BOX_CLIP), -BOX_CLIP, BOX_CLIP
    )


class SurfaceFallback(QLabel):
    """Stands in for the 3-D view where OpenGL is missing or switched off.

    Parameters
    ----------
    reason : str
        Why there is no OpenGL, finishing the sentence "The 3-D view needs OpenGL, and ...".
    parent : QWidget, optional
        The parent widget.
    """

    def __init__(self, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMargin(24)
        self.explain(reason)

    def explain(self, reason: str) -> None:
        """Say why there is no OpenGL, finishing "The 3-D view needs OpenGL, and ..."."""
        self.setText(
            "<h2>No 3-D cost surface</h2>"
            f"<p>The 3-D view needs OpenGL, and {reason}.</p>"
            "<p>Everything else in the program works without it.</p>"
        )

    def set_problem(
        self,
        problem: CostModel,
        domain: Domain | None = None,
        cost: NDArray[np.float64] | None = None,
    ) -> None:
        """Do nothing: there is no surface to redraw.

        Parameters
        ----------
        problem : CostModel
            Ignored.
        domain : Domain, optional
            Ignored.
        cost : ndarray, optional
            Ignored.
        """

    def apply_theme(self, theme: style.Theme) -> None:
        """Nothing to recolour: the text follows the application's palette."""

    def release(self) -> None:
        """Do nothing: there is no OpenGL to free."""

    def set_marker_scale(self, factor: float) -> None:
        """Do nothing: there are no markers to scale.

        Parameters
        ----------
        factor : float
            Ignored.
        """

    def show_scene(self, scene: Scene) -> None:
        """Do nothing: there is no surface to draw the runs on.

        Parameters
        ----------
        scene : Scene
            Ignored.
        """

    def set_path(self, params: NDArray[np.float64], cost: NDArray[np.float64]) -> None:
        """Do nothing: there is no surface to draw a path on.

        Parameters
        ----------
        params : ndarray
            Ignored.
        cost : ndarray
            Ignored.
        """


def create_surface_view(
    use_gl: bool = True, parent: QWidget | None = None
) -> SurfaceView | SurfaceFallback:
    """Return the 3-D surface view, or the text fallback when OpenGL cannot be used.

    Parameters
    ----------
    use_gl : bool
        False to skip OpenGL altogether (``--no-gl``).
    parent : QWidget, optional
        The parent widget.

    Returns
    -------
    SurfaceView or SurfaceFallback
        Either way a widget named ``surfaceView`` with ``set_problem`` and ``set_path``.
    """
    if not use_gl:
        return SurfaceFallback("it was switched off (--no-gl)", parent)
    if not opengl_available():
        return SurfaceFallback("no OpenGL 2.1 context could be created on this display", parent)
    return SurfaceView(parent)
