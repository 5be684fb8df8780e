"""Gradient spread: the rows of a stochastic or mini-batch step, each pulling its own way.

On the cost map, at the point a step was taken from, three kinds of arrow show where
"down" is: −α·∇J of all the rows together (bold), −α·∇J_i of each row the step used
(faint), and their mean, the step's own gradient (distinct). All are scaled by one
factor, said above the map, so that the longest stays readable whatever the zoom.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import Qt

from gd_explorer.framing import LIMIT
from gd_explorer.scene import GradientSpread, Scene, gradient_spread

#: The longest arrow reaches this fraction of the view (measured along its own direction).
LONGEST = 0.4
#: Arrows at their own size (scale 1) are kept when the longest reaches at least this far:
#: then the step's arrow ends on the ball, exactly where the step went.
SHORTEST_UNSCALED = 0.06
#: Arrows are kept at least this share of :data:`LONGEST` even where the view's edge is
#: nearer: they may then leave the view rather than shrink out of sight.
MIN_SHARE = 0.35
#: Tips stop this share short of the view's edge.
EDGE_MARGIN = 0.95
#: Rows beyond which a live frame does not pass over all of them for the full gradient.
LIVE_FULL_ROWS = 200_000
#: Most row arrows drawn; a larger batch is drawn through an even subsample of its rows
#: (painting wide lines is most of the arrows' cost, and 64 show a spread as well as 1000).
MAX_ARROWS = 64
#: The arrow heads: length in pixels (at most this share of the arrow) and half-angle.
HEAD_PX = 11.0
HEAD_SHARE = 0.45
HEAD_ANGLE = math.radians(26.0)

#: Colours on the washed viridis map (it is the same in every theme).
FULL_COLOUR = "#111111"
STEP_COLOUR = "#e6550d"
ROW_COLOUR = (60, 30, 90, 140)
HALO = (255, 255, 255, 200)
ROW_HALO = (255, 255, 255, 110)

TIP = (
    "Gradient spread: at the point this step started from, the black arrow is −α·∇J of all "
    "the data (the true way down), each faint arrow −α·∇J of one row the step used, and "
    "the orange arrow their mean, the step's own gradient. The spread is how far a row's "
    "gradient typically is from the full one (root mean square), as a multiple of the full "
    "gradient's length; 'uphill' counts rows whose arrow points more than 90° away from "
    "the black one. Every arrow is drawn at the scale said above the map."
)


def too_slow_live(scene: Scene) -> bool:
    """Return whether a live frame should skip the full gradient: a pass over many rows.

    A logistic cost's gradient over 10⁶ rows takes about 10 ms, most of a frame; a
    least-squares one costs nothing whatever the rows. Paused, replayed or finished
    runs always draw.
    """
    problem = scene.problem
    return (
        problem is not None
        and not problem.cheap_cost
        and problem.n > LIVE_FULL_ROWS
        and scene.current.status == "running"
        and scene.current.config.variant != "batch"
    )


def nice_factor(wanted: float) -> float:
    """Return the largest round factor (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ᵏ) at most ``wanted``.

    Parameters
    ----------
    wanted : float
        A positive factor.
    """
    if not (math.isfinite(wanted) and wanted > 0.0):
        return 1.0
    power = 10.0 ** math.floor(math.log10(wanted))
    for step in (8.0, 6.0, 5.0, 4.0, 3.0, 2.5, 2.0, 1.5, 1.0):
        if step * power <= wanted * (1.0 + 1e-12):
            return step * power
    return power


def format_factor(factor: float) -> str:
    """Return a scale factor as a person reads it: ×1, ×20, ×0.05, ×2e+06."""
    if 1e-4 <= factor < 1e5:
        return f"×{factor:g}"
    return f"×{factor:.0e}"


def format_spread(spread: float) -> str:
    """Return the spread number with two significant digits (∞ when unbounded)."""
    if math.isinf(spread):
        return "∞"
    return f"{spread:.2g}" if spread < 100 else f"{spread:.0f}"


class SpreadArrows:
    """The arrows of :func:`gd_explorer.scene.gradient_spread` on a plot, and what they say.

    Parameters
    ----------
    plot : pyqtgraph.PlotWidget
        The cost map to draw on (in its slope/intercept coordinates).
    said : callable
        Called with the text to show above the map ("" for nothing) whenever it changes.

    Attributes
    ----------
    rows_item, step_item, full_item : pyqtgraph.PlotCurveItem
        The row arrows, the step's arrow and the full gradient's arrow (shafts and heads
        as pairs of points), each over a white halo.
    vectors : dict of str to ndarray
        What was drawn, tip minus tail in the map's units: ``"rows"`` (k, 2), ``"step"``
        and ``"full"`` (2,); empty when nothing is.
    origin : ndarray or None
        Where the arrows start (the point the step was taken from).
    scale : float
        The drawing factor on top of −α·∇J (1: the arrows are the steps themselves).
    texts : tuple of str
        What the title line may say (the spread and the scale), longest first: the
        map shows the longest that fits its width (see
        :func:`~gd_explorer.ui.views.items.fit_title`).
    """

    def __init__(self, plot: pg.PlotWidget, said: Callable[[str], None]) -> None:
        # Weakly: the plot owns this helper, and a cycle through a widget would leave
        # the widget to Python's cycle collector, which may delete it at any moment.
        self._view = weakref.ref(plot.getViewBox())
        self._said_ref = weakref.WeakMethod(said)
        self._shown = True
        self._scene: Scene | None = None
        self._spread: GradientSpread | None = None
        self.vectors: dict[str, NDArray[np.float64]] = {}
        self.origin: NDArray[np.float64] | None = None
        self.scale = 1.0
        self.texts: tuple[str, ...] = ()
        self._items: list[tuple[pg.PlotCurveItem, pg.PlotCurveItem]] = []
        self._scale_px = 1.0
        self._widths: list[tuple[object, float]] = []
        for colour, width, z in (
            (ROW_COLOUR, 2.0, 5.0),
            # Wider than the full gradient's: where the two agree, orange edges the black.
            (STEP_COLOUR, 6.0, 6.0),
            (FULL_COLOUR, 3.0, 7.0),
        ):
            halo = pg.PlotCurveItem(connect="pairs")
            line = pg.PlotCurveItem(connect="pairs")
            # Over the paths and the ball: the arrows start under the ball.
            halo.setZValue(z)
            line.setZValue(z + 0.1)
            plot.addItem(halo, ignoreBounds=True)
            plot.addItem(line, ignoreBounds=True)
            self._items.append((halo, line))
            self._widths.append((colour, width))
        self._style()
        self.rows_item, self.step_item, self.full_item = (line for _, line in self._items)
        view = plot.getViewBox()
        # Heads are sized in pixels: a zoom or a resize redraws them.
        view.sigRangeChanged.connect(self._redraw)
        view.sigResized.connect(self._resized)

    def _style(self) -> None:
        k = self._scale_px
        for (halo, line), (colour, width) in zip(self._items, self._widths, strict=True):
            cap = Qt.PenCapStyle.RoundCap
            # A light edge keeps even the faint rows visible off the map, on a dark theme.
            edge = ROW_HALO if colour == ROW_COLOUR else HALO
            halo.setPen(pg.mkPen(edge, width=(width + 2.5) * k, cap=cap))
            line.setPen(pg.mkPen(colour, width=width * k, cap=cap))

    def set_marker_scale(self, factor: float) -> None:
        """Draw the arrows' lines and heads ``factor`` times their base size (1 restores)."""
        factor = float(factor)
        if factor != self._scale_px:
            self._scale_px = factor
            self._style()
            self._redraw()

    @property
    def shown(self) -> bool:
        """Return whether the arrows are switched on (they still need a step with rows)."""
        return self._shown

    def set_shown(self, on: bool) -> None:
        """Switch the arrows on or off, and redraw the last scene accordingly."""
        self._shown = bool(on)
        if self._scene is not None:
            self.show_scene(self._scene)
        elif not self._shown:
            self._draw(None)

    def show_scene(self, scene: Scene) -> None:
        """Draw the selected run's last shown step's spread; nothing where it has none.

        Parameters
        ----------
        scene : Scene
            What the map shows.
        """
        self._scene = scene
        if self._shown and too_slow_live(scene):
            self._spread = None
            self._draw(None)
            self._say(("spread: pause to see it", "pause: spread"))
            return
        self._spread = gradient_spread(scene) if self._shown else None
        self._draw(self._spread)

    @property
    def text(self) -> str:
        """Return the longest thing the title line may say ("" when nothing is drawn)."""
        return self.texts[0] if self.texts else ""

    def _redraw(self, *_: object) -> None:
        if self._spread is not None:
            self._draw(self._spread)

    def _resized(self, *_: object) -> None:
        self._redraw()
        if self.texts:
            self._said(self.text)  # another width may fit another wording

    def _said(self, text: str) -> None:
        said = self._said_ref()
        if said is not None:
            said(text)

    def _draw(self, spread: GradientSpread | None) -> None:
        geometry = self._geometry(spread) if spread is not None else None
        if geometry is None:
            for halo, line in self._items:
                for item in (halo, line):
                    item.setData([], [])
                    item.setVisible(False)
            self.vectors, self.origin, self.scale = {}, None, 1.0
            self._say(())
            return
        assert spread is not None
        origin, vectors, scale = geometry
        self.vectors, self.origin, self.scale = vectors, origin, scale
        view = self._view()
        if view is None:
            return
        px, py = view.viewPixelSize()
        for (halo, line), key in zip(self._items, ("rows", "step", "full"), strict=True):
            xs, ys = _arrow_segments(
                origin, np.reshape(vectors[key], (-1, 2)), px, py, HEAD_PX * self._scale_px
            )
            for item in (halo, line):
                item.setData(xs, ys)
                item.setVisible(len(xs) > 0)
        number, factor = format_spread(spread.spread), format_factor(scale)
        uphill = f"{spread.against} of {len(spread.rows)}"
        self._say(
            (
                f"rows' spread {number}·|∇J| · {uphill} uphill · arrows −α∇J {factor}",
                f"spread {number}·|∇J| · {uphill} uphill · {factor}",
                f"spread {number}·|∇J| · arrows {factor}",
                f"spread {number} · {factor}",
            )
        )

    def _geometry(
        self, spread: GradientSpread
    ) -> tuple[NDArray[np.float64], dict[str, NDArray[np.float64]], float] | None:
        """Return the arrows' tail, their vectors at the chosen scale, and the scale."""
        rate = spread.rate
        rows = spread.row_gradients
        if len(rows) > MAX_ARROWS:
            rows = rows[np.unique(np.linspace(0, len(rows) - 1, MAX_ARROWS).astype(np.intp))]
        steps = {
            "rows": -rate * rows,
            "step": -rate * spread.step_gradient,
            "full": -rate * spread.full_gradient,
        }
        if not all(np.all(np.isfinite(v)) for v in steps.values()):
            return None
        view = self._view()
        if view is None:
            return None
        (x0, x1), (y0, y1) = view.viewRange()
        span = np.array([x1 - x0, y1 - y0], dtype=np.float64)
        if not np.all(span > 0.0):
            return None
        every = np.vstack([steps["rows"], steps["step"], steps["full"]])
        longest = float(np.max(np.hypot(*(every / span).T)))
        if longest == 0.0:
            return spread.origin.copy(), steps, 1.0
        # As long as fits, and no longer than keeps every tip in view, unless that
        # would shrink them below readable (a step taken at the view's very edge).
        wanted = LONGEST / longest
        room = _room(spread.origin, every, (x0, x1, y0, y1))
        wanted = min(wanted, max(room, MIN_SHARE * wanted))
        if SHORTEST_UNSCALED / longest <= 1.0 <= wanted:
            scale = 1.0
        else:
            scale = nice_factor(wanted)
        vectors = {key: scale * value for key, value in steps.items()}
        return spread.origin.copy(), vectors, scale

    def _say(self, texts: tuple[str, ...]) -> None:
        if texts != self.texts:
            self.texts = texts
            self._said(self.text)


def _room(
    origin: NDArray[np.float64],
    vectors: NDArray[np.float64],
    view: tuple[float, float, float, float],
) -> float:
    """Return the largest factor that keeps ``origin + factor·v`` in ``view`` for every v.

    Infinite when ``origin`` itself is outside the view (nothing to keep).
    """
    x0, x1, y0, y1 = view
    ox, oy = float(origin[0]), float(origin[1])
    if not (x0 <= ox <= x1 and y0 <= oy <= y1):
        return math.inf
    room = math.inf
    for (low, high), start, part in (((x0, x1), ox, vectors[:, 0]), ((y0, y1), oy, vectors[:, 1])):
        with np.errstate(divide="ignore", invalid="ignore"):
            reach = np.where(part > 0, (high - start) / part, (low - start) / part)
        reach = reach[(part != 0) & np.isfinite(reach)]
        if reach.size:
            room = min(room, float(reach.min()))
    return EDGE_MARGIN * room


def _arrow_segments(
    origin: NDArray[np.float64],
    vectors: NDArray[np.float64],
    px: float,
    py: float,
    head_px: float = HEAD_PX,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the shafts and heads of arrows from ``origin`` as pairs of points.

    The heads are shaped in pixels (``px``, ``py``: data units per pixel), so that they
    look alike on axes of very different scales.
    """
    if len(vectors) == 0:
        return np.empty(0), np.empty(0)
    tips = origin + vectors
    pairs = [np.stack([np.broadcast_to(origin, tips.shape), tips], axis=1)]
    if px > 0.0 and py > 0.0:
        pixels = vectors / (px, py)
        length = np.hypot(*pixels.T)
        unit = pixels / np.where(length > 0.0, length, 1.0)[:, None]
        head = np.minimum(head_px, HEAD_SHARE * length)[:, None]
        for angle in (HEAD_ANGLE, -HEAD_ANGLE):
            c, s = math.cos(angle), math.sin(angle)
            back = np.column_stack(
                [c * unit[:, 0] - s * unit[:, 1], s * unit[:, 0] + c * unit[:, 1]]
            )
            ends = tips - head * back * (px, py)
            pairs.append(np.stack([tips, ends], axis=1))
    points = np.clip(np.concatenate(pairs).reshape(-1, 2), -LIMIT, LIMIT)
    return points[:, 0].copy(), points[:, 1].copy()
