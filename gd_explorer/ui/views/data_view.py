"""The data plot: points, the current model, residuals; points edited with the mouse.

The view is passive. ``set_*`` methods only draw; mouse edits leave as signals
carrying plain floats and ints, and the window turns them into a new dataset
(``with_point``, ``moved``, ``without``) and calls :meth:`DataView.set_dataset`
back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gd_explorer.engine import Dataset
from gd_explorer.framing import LIMIT
from gd_explorer.scene import MAX_RUNS, Scene
from gd_explorer.ui import style
from gd_explorer.ui.views.items import fit_title
from gd_explorer.ui.views.row_costs import BARS_TIP, SQUARES_TIP, RowCosts

HIT_RADIUS_PX = 12.0
"""A click this close to a point (in screen pixels) is on the point."""

MAX_SHOWN_POINTS = 20_000
"""Larger datasets are drawn (and hit-tested) through an even subsample."""

MAX_RESIDUALS = 2_000
"""Errors are drawn for an even subsample of this many of the drawn points at most."""

MAX_RINGS = 1_000
"""Up to this many sampled rows are ringed even where their points are not drawn."""

CACHED_ABOVE = 2_000
"""Scatters of more points are painted once into a picture of the screen and reused."""

SIGMOID_SAMPLES = 200
#: Width of the other runs' lines, under the selected run's (``style.LINE_WIDTH``).
OTHER_LINE_WIDTH = 2.5
_FAR = 10.0  # the model is clipped this many view heights above and below the view
_MARGIN = 0.12  # fraction of the data's span left around it by set_dataset
#: The view takes in the fitted line up to this many spans of the data's y beyond them:
#: a diverging run's line reaches 1e50, and the points must stay readable.
LINE_REACH = 1.0
#: Added to the title while the line runs past the top or bottom of the plot.
LINE_CUT_NOTE = "line runs off the plot"

LINEAR = "linear"
LOGISTIC = "logistic"
#: A problem without data: the window shows the function panel in this view's place.
FUNCTION = "function"

# Short, at full size: every gesture and what the marks mean are in Help (F1).
_HINT = {
    LINEAR: "Click: add · drag: move · right-click: remove · F1: help",
    LOGISTIC: "Click: add · Shift+click: other class · drag: move · right-click: remove · "
    "F1: help",
}
# The title names the line and the classes in their own colours, with the classes'
# symbols: a legend box inside the plot covered the points (a class-0 point just added,
# the line early in a run), so the legend is this one line above the plot.
_TITLE = {
    LINEAR: 'Data and <span style="color:{fit};">y = m·x + b</span>',
    LOGISTIC: '<span style="color:{class0};">\N{BLACK SQUARE} class 0</span>'
    ' \N{MIDDLE DOT} <span style="color:{class1};">\N{BLACK CIRCLE} class 1</span>'
    ' \N{MIDDLE DOT} <span style="color:{fit};">σ(m·x + b)</span>',
}
#: The logistic legend is longer than a title: a size smaller, so a narrow plot shows it.
_TITLE_SIZE = {LINEAR: None, LOGISTIC: f"{style.BASE_POINT_SIZE}pt"}
_Y_LABEL = {LINEAR: "y", LOGISTIC: "class  /  p(class 1)"}

IntArray = NDArray[np.intp]
FloatArray = NDArray[np.float64]


class _PassiveScatter(pg.ScatterPlotItem):
    """A scatter that leaves every click to the view box (it would accept left clicks)."""

    def mouseClickEvent(self, ev: Any) -> None:
        """Ignore the click so the editing view box receives it."""
        ev.ignore()


class _EditingViewBox(pg.ViewBox):
    """A view box that offers clicks and drags to the data view before panning."""

    def __init__(self) -> None:
        super().__init__()
        self.click_handler: Callable[[Any], bool] | None = None
        self.drag_handler: Callable[[Any], bool] | None = None

    def mouseClickEvent(self, ev: Any) -> None:
        """Let the data view handle the click; otherwise behave as a ViewBox."""
        if self.click_handler is not None and self.click_handler(ev):
            return
        super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev: Any, axis: int | None = None) -> None:
        """Let the data view take drags that start on a point; otherwise pan."""
        if axis is None and self.drag_handler is not None and self.drag_handler(ev):
            return
        super().mouseDragEvent(ev, axis)


def _sigmoid(z: FloatArray) -> FloatArray:
    # exp(-log(1 + e^-z)) never overflows, whatever m and b a diverging run reaches.
    return np.exp(-np.logaddexp(0.0, -z))


def _clipped_line(
    m: float, b: float, x_range: tuple[float, float], y_range: tuple[float, float]
) -> tuple[FloatArray, FloatArray]:
    """Return the ends of y = m·x + b inside the box, or two empty arrays."""
    lo, hi = x_range
    if m != 0.0:
        xa, xb = sorted(((y_range[0] - b) / m, (y_range[1] - b) / m))
        lo, hi = max(lo, xa), min(hi, xb)
    elif not y_range[0] <= b <= y_range[1]:
        lo, hi = 1.0, 0.0
    if not lo < hi:
        return np.empty(0), np.empty(0)
    xs = np.array([lo, hi])
    return xs, _line_values(m, b, xs)


def _padded(values: FloatArray, minimum_span: float = 1.0) -> tuple[float, float]:
    # Halves and LIMIT: data reaching ±1.8e308 must not give a view box an infinite
    # range (it raises, and from an undo command that took the process down).
    lo = min(max(float(values.min()), -LIMIT), LIMIT)
    hi = min(max(float(values.max()), -LIMIT), LIMIT)
    half_span = max(hi / 2 - lo / 2, minimum_span * max(1.0, abs(hi) * 1e-9) / 2)
    mid = lo / 2 + hi / 2
    half = min(half_span * (1.0 + 2.0 * _MARGIN), LIMIT)
    return mid - half, mid + half


def _line_values(m: float, b: float, x: FloatArray) -> FloatArray:
    """Return m·x + b, ±inf where it overflows, never nan (m and b are finite)."""
    with np.errstate(over="ignore"):
        return np.clip(m * x, -LIMIT, LIMIT) + min(max(b, -LIMIT), LIMIT)


class DataView(QWidget):
    """The dataset as points with the current model, editable with the mouse.

    The plot widget inside has the objectName ``dataPlot``. Above it a line of
    text says what the mouse does and, for logistic regression, a toggle picks
    the class of new points.

    Signals
    -------
    pointAdded(float, float)
        Left click on empty space: add the point (x, y). For logistic regression
        y is the class (0.0 or 1.0) of the toggle, or the other class with Shift.
    pointMoved(int, float, float)
        A point was dragged to (x, y); emitted once, on release. For logistic
        regression only x changes.
    pointRemoved(int)
        Right click on a point, or Delete/Backspace with a point selected.

    Attributes
    ----------
    plot : pyqtgraph.PlotWidget
        The plot (objectName ``dataPlot``).
    view_box : pyqtgraph.ViewBox
        Its view box.
    line_item, sigmoid_item, residuals_item : pyqtgraph.PlotCurveItem
        The current model (the selected run's, in its colour): the straight line
        (linear), the curve p = σ(m·x + b) (logistic), and one segment per point from
        the point to the line (linear, drawn as pairs).
    run_lines : list of pyqtgraph.PlotCurveItem
        One per run slot: the line or curve of each run that is not the selected one,
        thinner and under it; hidden for the selected slot and unused slots.
    """

    pointAdded = Signal(float, float)
    pointMoved = Signal(int, float, float)
    pointRemoved = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dataset: Dataset | None = None
        self._kind = LINEAR
        self._model_kind = LINEAR
        self._theta: tuple[float, float] | None = None
        self._run_slot = 0  # the selected run's slot: the colour of the current model
        self._others: dict[int, tuple[float, float]] = {}  # slot: the other runs' (m, b)
        self.run_lines: list[pg.PlotCurveItem] = []
        self._sampled: IntArray = np.empty(0, dtype=np.intp)
        self._selected: int | None = None
        self._new_class = 0
        # Drawn positions: a subsample of large datasets, and a dragged point's preview.
        self._shown: IntArray = np.empty(0, dtype=np.intp)
        self._residual_slots: slice | IntArray = slice(None)  # which drawn points show errors
        self._x: FloatArray = np.empty(0)
        self._y: FloatArray = np.empty(0)
        self._dragging: int | None = None
        self._marker_scale = 1.0
        self._theme = style.current_theme()
        self._kind_shown = LINEAR
        self._line_cut = False  # the line runs past the top or bottom of the plot

        self.view_box = _EditingViewBox()
        self.view_box.click_handler = self._handle_click
        self.view_box.drag_handler = self._handle_drag
        self.view_box.sigRangeChanged.connect(self._draw_model)
        self.plot = pg.PlotWidget(
            background=style.current_theme().background, viewBox=self.view_box
        )
        self.plot.setObjectName("dataPlot")
        self.plot.setAccessibleName("data and the current model")
        self.plot.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.plot.installEventFilter(self)
        # Right click removes a point, so pyqtgraph's context menu must not open.
        self.plot.setMenuEnabled(False)
        style.style_plot(self.plot, "x", _Y_LABEL[LINEAR], "")
        self._create_items()
        #: Squares or loss bars on each row (View → Cost per row), said in the title.
        self.row_costs = RowCosts(self.view_box, self._set_title)
        self._create_controls()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(self._controls)
        layout.addWidget(self.plot, 1)
        self._show_kind(LINEAR)
        self.apply_theme(style.current_theme())

    def apply_theme(self, theme: style.Theme) -> None:
        """Recolour the plot, the points, the model, the legend and the class buttons."""
        style.theme_plot(self.plot, theme)
        self._theme = theme
        self.row_costs.apply_theme(theme)
        self.points_item.setBrush(pg.mkBrush(theme.point))
        self.class0_item.setBrush(pg.mkBrush(theme.class0))
        sampled = pg.mkColor(theme.sampled)
        sampled.setAlpha(150)
        self.sampled_item.setBrush(pg.mkBrush(sampled))
        self._style_marks()
        self.cutoff_item.label.setColor(theme.foreground)
        self._set_title()
        # A palette, not a style sheet: a styled label keeps its font when the text grows.
        muted = self._hint.palette()
        muted.setColor(QPalette.ColorRole.WindowText, QColor(theme.muted))
        self._hint.setPalette(muted)
        for c, colour in ((0, theme.class0), (1, theme.point)):
            self._class_buttons.button(c).setStyleSheet(
                f"QPushButton {{ padding: 3px 12px; border: 2px solid {colour};"
                f" border-radius: 4px; background: {theme.background};"
                f" color: {theme.foreground}; }}"
                f"QPushButton:checked {{ background: {colour}; color: {theme.background}; }}"
            )

    def set_marker_scale(self, factor: float) -> None:
        """Draw the points, rings and model lines ``factor`` times their base size.

        Relative to the base sizes, so 2 twice is still 2 and 1 restores them.

        Parameters
        ----------
        factor : float
            The scale; the presentation zoom passes its own.
        """
        factor = float(factor)
        if factor != self._marker_scale:
            self._marker_scale = factor
            self._style_marks()

    @property
    def marker_scale(self) -> float:
        """Return the factor markers and lines are drawn at."""
        return self._marker_scale

    def _style_marks(self) -> None:
        """Size and stroke the points, rings and lines for the theme and the scale."""
        theme, k = self._theme, self._marker_scale
        edge = pg.mkPen(theme.halo, width=1.5 * k)
        self.points_item.setPen(edge)
        self.class0_item.setPen(edge)
        self.sampled_item.setPen(pg.mkPen(theme.sampled_edge, width=3 * k))
        self.selected_item.setPen(pg.mkPen(theme.edge, width=3 * k))
        for item, size in (
            (self.points_item, style.MARKER_SIZE),
            (self.class0_item, style.MARKER_SIZE),
            (self.sampled_item, style.MARKER_SIZE + 16),
            (self.selected_item, style.MARKER_SIZE + 12),
        ):
            if item.opts["size"] != size * k:
                item.setSize(size * k)
        colour = style.run_colour(self._run_slot, theme)
        self.line_item.setPen(pg.mkPen(colour, width=style.LINE_WIDTH * k))
        self.sigmoid_item.setPen(pg.mkPen(colour, width=style.LINE_WIDTH * k))
        for slot, item in enumerate(self.run_lines):
            item.setPen(pg.mkPen(style.run_colour(slot, theme), width=OTHER_LINE_WIDTH * k))
        self.residuals_item.setPen(pg.mkPen(theme.residual, width=2 * k))
        self.row_costs.set_marker_scale(k)
        self.cutoff_item.setPen(pg.mkPen(theme.axis, width=2 * k, style=Qt.PenStyle.DashLine))

    # Construction.

    def _create_items(self) -> None:
        vb = self.view_box
        white_edge = pg.mkPen("w", width=1.5)
        self.points_item = _PassiveScatter(
            size=style.MARKER_SIZE, brush=pg.mkBrush(style.POINT), pen=white_edge, name="data"
        )
        self.class0_item = _PassiveScatter(
            size=style.MARKER_SIZE,
            brush=pg.mkBrush(style.POINT_CLASS0),
            pen=white_edge,
            symbol="s",
            name="class 0",
        )
        self.sampled_item = _PassiveScatter(
            size=style.MARKER_SIZE + 16,
            brush=pg.mkBrush(255, 215, 0, 150),
            pen=pg.mkPen("#b8860b", width=3),
            name="used by this step",
        )
        self.selected_item = _PassiveScatter(
            size=style.MARKER_SIZE + 12, brush=None, pen=pg.mkPen("#202020", width=3)
        )
        self.line_item = pg.PlotCurveItem(
            pen=pg.mkPen(style.FIT, width=style.LINE_WIDTH), name="current line"
        )
        self.sigmoid_item = pg.PlotCurveItem(
            pen=pg.mkPen(style.FIT, width=style.LINE_WIDTH), name="p = σ(m·x + b)"
        )
        self.run_lines = [pg.PlotCurveItem() for _ in range(MAX_RUNS)]
        for item in self.run_lines:
            item.setZValue(-0.5)
            vb.addItem(item, ignoreBounds=True)
        self.residuals_item = pg.PlotCurveItem(
            pen=pg.mkPen(style.RESIDUAL, width=2), connect="pairs", name="errors"
        )
        self.cutoff_item = pg.InfiniteLine(
            pos=0.5,
            angle=0,
            pen=pg.mkPen("#404040", width=2, style=Qt.PenStyle.DashLine),
            label="p = 0.5",
            labelOpts={"position": 0.04, "color": "#202020", "anchors": [(0, 1), (0, 1)]},
        )
        # Back to front. The model items never count for the view's range, so a line
        # flying off in a diverging run cannot pull the points out of sight.
        for z, item, bounded in (
            (-3, self.sampled_item, False),
            (-2, self.residuals_item, False),
            (-1, self.cutoff_item, False),
            (0, self.line_item, False),
            (0, self.sigmoid_item, False),
            (1, self.class0_item, True),
            (1, self.points_item, True),
            (2, self.selected_item, False),
        ):
            item.setZValue(z)
            vb.addItem(item, ignoreBounds=not bounded)

    def _create_controls(self) -> None:
        self._hint = QLabel()
        self._hint.setObjectName("dataHint")
        self._hint.setWordWrap(True)  # a narrow window must not be widened by the hint
        self._class_label = QLabel("New points:")
        self._class_buttons = QButtonGroup(self)
        self._class_buttons.setExclusive(True)
        # The hint on a row of its own: beside the class buttons it wrapped to a column.
        self._controls = QVBoxLayout()
        self._controls.setContentsMargins(6, 4, 6, 0)
        self._controls.addWidget(self._hint)
        classes = QHBoxLayout()
        self._controls.addLayout(classes)
        classes.addWidget(self._class_label)
        for c, colour in ((0, style.POINT_CLASS0), (1, style.POINT)):
            button = QPushButton(f"class {c}")
            button.setObjectName(f"newClass{c}Button")
            button.setCheckable(True)
            button.setToolTip(
                f"Clicks on the plot add class-{c} points (Shift+click adds the other class)"
            )
            button.setStyleSheet(
                f"QPushButton {{ padding: 3px 12px; border: 2px solid {colour};"
                f" border-radius: 4px; background: white; color: #202020; }}"
                f"QPushButton:checked {{ background: {colour}; color: white; }}"
            )
            self._class_buttons.addButton(button, c)
            classes.addWidget(button)
        classes.addStretch(1)
        self._class_buttons.button(0).setChecked(True)
        self._class_buttons.idToggled.connect(self._class_toggled)

    # Public interface.

    @property
    def dataset(self) -> Dataset | None:
        """The data shown, or None before the first ``set_dataset``."""
        return self._dataset

    @property
    def selected(self) -> int | None:
        """The row of the selected point, or None."""
        return self._selected

    @property
    def new_class(self) -> int:
        """The class (0 or 1) a plain click adds in logistic mode."""
        return self._new_class

    def set_dataset(
        self, dataset: Dataset, kind: str = LINEAR, *, fit_view: bool | None = None
    ) -> None:
        """Show a dataset.

        Parameters
        ----------
        dataset : Dataset
            The data to draw.
        kind : {"linear", "logistic", "function"}
            How to draw it: plain points, or two colours by class. A function has
            no data: the view keeps what it shows, hidden, for the way back.
        fit_view : bool, optional
            True to frame the data, False to keep the view. By default the view
            frames the data when the kind changes, when the data are not an edit
            of the previous data (another name, or more than one point added or
            removed), or when a point would be out of sight; so adding or moving
            points one by one does not make the view jump.
        """
        if kind == FUNCTION:
            return
        _check_kind(kind)
        previous, previous_kind = self._dataset, self._kind
        self._dataset, self._kind = dataset, kind
        self._dragging = None
        if self._selected is not None and self._selected >= len(dataset):
            self._selected = None
        n = len(dataset)
        self._shown = _even_subsample(n, MAX_SHOWN_POINTS)
        shown = len(self._shown)
        self._residual_slots = (
            slice(None) if shown <= MAX_RESIDUALS else _even_subsample(shown, MAX_RESIDUALS)
        )
        # The points stay put while a run moves the line over them: repainting thousands
        # of symbols every frame was most of a frame's time at 10⁶ rows.
        cache = (
            QGraphicsItem.CacheMode.DeviceCoordinateCache
            if shown > CACHED_ABOVE
            else QGraphicsItem.CacheMode.NoCache
        )
        for item in (self.points_item, self.class0_item):
            item.setCacheMode(cache)
        self._x, self._y = _drawn(dataset, self._shown)
        if kind != previous_kind:
            self._show_kind(kind)
        if fit_view is None:
            fit_view = (
                previous is None
                or kind != previous_kind
                or previous.name != dataset.name
                or abs(len(previous) - n) > 1
                or not self._all_in_view()
            )
        if fit_view:
            self._fit_view()  # redraws the model through sigRangeChanged
        self._draw_points()
        self._draw_model()

    def set_model(self, theta: tuple[float, float] | None, kind: str = LINEAR) -> None:
        """Draw the current model; None clears it.

        Parameters
        ----------
        theta : (float, float) or None
            Slope m and intercept b.
        kind : {"linear", "logistic"}
            Draw y = m·x + b with residuals, or p = σ(m·x + b) with the 0.5 cutoff.
        """
        _check_kind(kind)
        theta = None if theta is None else (float(theta[0]), float(theta[1]))
        if (theta, kind) == (self._theta, self._model_kind):
            return  # drawn already (a change of data or view redraws the model itself)
        self._theta, self._model_kind = theta, kind
        # The view holds still under the hand; a new range redraws the model itself.
        if self._dragging is not None or not self._take_in_line():
            self._draw_model()

    def show_scene(self, scene: Scene) -> None:
        """Draw every run of ``scene``: a line (or sigmoid) per run in its colour.

        The selected run's line is drawn on top and thicker, with its residuals and
        the rows its step used; the others' lines only. The data are those given to
        :meth:`set_dataset`.

        Parameters
        ----------
        scene : Scene
            What to draw; nothing on a function, which has no data.
        """
        if scene.kind == FUNCTION:
            return
        current = scene.current
        # Lines in the data's own units (the runs may be on standardised x).
        others = {t.slot: scene.original(t.point) for t in scene.others()}
        if current.slot != self._run_slot:
            self._run_slot = current.slot
            self._style_marks()
            self._set_title()
        changed = others != self._others
        self._others = others
        point = scene.original(current.point)
        theta = (float(point[0]), float(point[1]))
        if (theta, scene.kind) != (self._theta, self._model_kind):
            self.set_model(theta, scene.kind)  # draws the others too
        elif changed:
            self._draw_others()
        self.set_sampled(current.rows)
        self.row_costs.say_cost(scene)

    def set_row_costs_shown(self, on: bool) -> None:
        """Draw each row's cost on it (squares or loss bars), or not.

        Parameters
        ----------
        on : bool
            Whether to draw them (View → Cost per row).
        """
        self.row_costs.set_shown(on)
        self._draw_model()

    def set_sampled(self, rows: int | NDArray[np.integer] | None) -> None:
        """Highlight the rows the current step used; None clears.

        Parameters
        ----------
        rows : int, array of int, or None
            Row indices into the dataset.
        """
        if rows is None:
            self._sampled = np.empty(0, dtype=np.intp)
        else:
            self._sampled = np.atleast_1d(np.asarray(rows, dtype=np.intp))
        self._draw_sampled()

    def set_new_class(self, c: int) -> None:
        """Choose the class (0 or 1) that a plain click adds in logistic mode."""
        if c not in (0, 1):
            raise ValueError(f"a class is 0 or 1, not {c!r}")
        self._class_buttons.button(int(c)).setChecked(True)

    def select(self, row: int | None) -> None:
        """Select (highlight) point ``row``; None clears the selection."""
        if row is not None and (self._dataset is None or not 0 <= row < len(self._dataset)):
            row = None
        self._selected = row
        self._draw_points()

    # Drawing.

    def _show_kind(self, kind: str) -> None:
        logistic = kind == LOGISTIC
        self._hint.setText(_HINT[kind])
        self._class_label.setVisible(logistic)
        for button in self._class_buttons.buttons():
            button.setVisible(logistic)
        self.cutoff_item.setVisible(logistic)
        self._kind_shown = kind
        self._set_title()
        self.plot.getPlotItem().getAxis("left").setLabel(
            _Y_LABEL[kind], **style.axis_label_style()
        )
        self.points_item.opts["name"] = "class 1" if logistic else "data"
        # Errors and sampled rows are named in the hint line: a small plot has no room.

    def _show_cut(self, cut: bool) -> None:
        if cut != self._line_cut:
            self._line_cut = cut
            self._set_title()

    def _set_title(self) -> None:
        colour = style.run_colour(self._run_slot, self._theme).name()
        theme = self._theme
        title = _TITLE[self._kind_shown].format(
            fit=colour, class0=theme.class0, class1=theme.point
        )
        if self._line_cut and self._kind_shown == LINEAR:
            title += f" \N{MIDDLE DOT} {LINE_CUT_NOTE}"
        size = _TITLE_SIZE[self._kind_shown]
        title_style = style.text_style(size=size) if size else style.text_style()
        said = self.row_costs.texts
        if said:
            # The cost as the rows' mean: with the title where it fits, else alone.
            # A size smaller than the title's, as the cost map's legend line has it.
            small = f"{style.BASE_POINT_SIZE - 1}pt"
            said = tuple(f'<span style="font-size:{small};">{text}</span>' for text in said)
            texts = [f"{title} · {text}" for text in said[:1]] + list(said)
            tip = BARS_TIP if self._kind_shown == LOGISTIC else SQUARES_TIP
        else:
            texts, tip = [title], ""
        fit_title(self.plot.getPlotItem(), texts, **title_style)
        self.plot.getPlotItem().titleLabel.setToolTip(tip)

    def _fit_view(self) -> None:
        if self._dataset is None:
            return
        self.view_box.disableAutoRange()
        x_range = _padded(self._dataset.x)
        y_range = (-0.15, 1.15) if self._kind == LOGISTIC else self._framed_y(x_range)
        self.view_box.setRange(xRange=x_range, yRange=y_range, padding=0)

    def _line_reach(self, x_range: tuple[float, float]) -> tuple[float, float] | None:
        """Return the y the line spans over ``x_range``, within its reach; None: no line."""
        theta = self._theta
        if (
            self._dataset is None
            or self._kind != LINEAR
            or self._model_kind != LINEAR
            or theta is None
            or not all(map(math.isfinite, theta))
        ):
            return None
        ends = _line_values(theta[0], theta[1], np.asarray(x_range, dtype=np.float64))
        y = self._dataset.y
        low, high = float(y.min()), float(y.max())
        reach = LINE_REACH * max(high - low, 1.0)
        return (
            min(max(float(ends.min()), low - reach), low),
            max(min(float(ends.max()), high + reach), high),
        )

    def _framed_y(self, x_range: tuple[float, float]) -> tuple[float, float]:
        """Return a y range for the points, the line and the errors (the line capped)."""
        assert self._dataset is not None
        line = self._line_reach(x_range)
        if line is None:
            return _padded(self._dataset.y)
        return _padded(np.array(line))

    def _take_in_line(self) -> bool:
        """Widen the view's y range to the line (within reach) if it runs out of it.

        Only widens, and only when the line leaves the view: a run's line moving inside
        it never moves the axes.

        Returns
        -------
        bool
            Whether the range changed (and the model was redrawn for it).
        """
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        line = self._line_reach((x0, x1))
        if line is None or (y0 <= line[0] and line[1] <= y1):
            return False
        low, high = self._framed_y((x0, x1))
        self.view_box.setRange(yRange=(min(low, y0), max(high, y1)), padding=0)
        return True

    def _all_in_view(self) -> bool:
        assert self._dataset is not None
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        x, y = self._dataset.x, self._dataset.y
        return bool(x.min() >= x0 and x.max() <= x1 and y.min() >= y0 and y.max() <= y1)

    def _draw_points(self) -> None:
        if self._kind == LOGISTIC:
            one = self._y >= 0.5
            self.points_item.setData(self._x[one], self._y[one])
            self.class0_item.setData(self._x[~one], self._y[~one])
        else:
            self.points_item.setData(self._x, self._y)
            self.class0_item.setData([], [])
        slot = self._slot(self._selected)
        if slot is None:
            self.selected_item.setData([], [])
        else:
            self.selected_item.setData([self._x[slot]], [self._y[slot]])
        self._draw_sampled()

    def _draw_sampled(self) -> None:
        data = self._dataset
        rows = self._sampled
        if data is not None:
            rows = rows[(rows >= 0) & (rows < len(data))]  # the data may have shrunk since
        if data is None or rows.size == 0:
            x, y = np.empty(0), np.empty(0)
        elif rows.size <= MAX_RINGS and len(self._shown) < len(data):
            # A step's few rows are ringed even where their points are not drawn.
            x, y = _drawn(data, rows)
            slots = np.searchsorted(self._shown, rows)
            drawn = (slots < len(self._shown)) & (
                self._shown[np.minimum(slots, len(self._shown) - 1)] == rows
            )
            x[drawn], y[drawn] = self._x[slots[drawn]], self._y[slots[drawn]]  # a drag's preview
        else:
            keep = np.isin(self._shown, rows)
            x, y = self._x[keep], self._y[keep]
        # A batch step uses the same rows every frame; re-setting a scatter is slow.
        shown_x, shown_y = self.sampled_item.getData()
        if not (np.array_equal(x, shown_x) and np.array_equal(y, shown_y)):
            self.sampled_item.setData(x, y)

    def _draw_others(self) -> None:
        """Draw the line of each run but the selected one; hide the unused slots."""
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        height = y1 - y0
        band = (y0 - _FAR * height, y1 + _FAR * height)
        for slot, item in enumerate(self.run_lines):
            theta = self._others.get(slot)
            if theta is None or self._dataset is None or not all(map(math.isfinite, theta)):
                _clear(item)
                item.setVisible(False)
                continue
            item.setData(*self._model_curve(theta, (x0, x1), band))
            item.setVisible(True)

    def _model_curve(
        self,
        theta: tuple[float, float],
        x_range: tuple[float, float],
        band: tuple[float, float],
    ) -> tuple[FloatArray, FloatArray]:
        """Return the points of the model's line (linear) or sigmoid (logistic)."""
        m, b = theta
        x0, x1 = x_range
        if self._model_kind == LINEAR:
            return _clipped_line(m, b, x_range, band)
        xs = np.linspace(x0, x1, SIGMOID_SAMPLES)
        boundary = -b / m if m != 0.0 else math.inf
        if x0 <= boundary <= x1:
            # A steep curve needs extra samples around p = 0.5 to look smooth.
            width = min(8.0 / abs(m), x1 - x0)
            extra = np.linspace(boundary - width, boundary + width, 41)
            xs = np.union1d(xs, extra[(extra >= x0) & (extra <= x1)])
        return xs, _sigmoid(_line_values(m, b, xs))

    def _draw_model(self) -> None:
        self._draw_others()
        theta = self._theta
        finite = theta is not None and bool(np.all(np.isfinite(theta)))
        linear = self._model_kind == LINEAR
        if not finite or self._dataset is None:
            self._show_cut(False)
            for item in (self.line_item, self.sigmoid_item, self.residuals_item):
                _clear(item)
            self.row_costs.clear()
            return
        assert theta is not None
        m, b = theta
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        height = y1 - y0
        band = (y0 - _FAR * height, y1 + _FAR * height)
        if linear:
            ends = _line_values(m, b, np.array([x0, x1]))
            self._show_cut(bool(ends.min() < y0 or ends.max() > y1))
            self.line_item.setData(*self._model_curve(theta, (x0, x1), band))
            _clear(self.sigmoid_item)
            # One item for all residuals: x_i twice, y_i then the line's value.
            xs, ys_data = self._x[self._residual_slots], self._y[self._residual_slots]
            fitted = np.clip(_line_values(m, b, xs), *band)
            ys = np.empty(2 * xs.size)
            ys[0::2] = np.clip(ys_data, *band)
            ys[1::2] = fitted
            self.residuals_item.setData(np.repeat(xs, 2), ys)
        else:
            self._show_cut(False)
            self.sigmoid_item.setData(*self._model_curve(theta, (x0, x1), band))
            _clear(self.line_item)
            _clear(self.residuals_item)
        if self.row_costs.shown:
            slots = self._residual_slots
            self.row_costs.draw(self._model_kind, self._x[slots], self._y[slots], theta)

    def _slot(self, row: int | None) -> int | None:
        """Return where row ``row`` is among the drawn points, or None."""
        if row is None:
            return None
        slot = int(np.searchsorted(self._shown, row))
        return slot if slot < self._shown.size and self._shown[slot] == row else None

    # Mouse and keyboard.

    def _hit(self, scene_pos: QPointF) -> int | None:
        """Return the row of the drawn point nearest ``scene_pos`` within reach, or None."""
        if self._x.size == 0:
            return None
        here = self.view_box.mapSceneToView(scene_pos)
        px, py = self.view_box.viewPixelSize()
        if not (px > 0 and py > 0):
            return None
        with np.errstate(over="ignore"):  # a point 1e308 away is just far (inf)
            d2 = ((self._x - here.x()) / px) ** 2 + ((self._y - here.y()) / py) ** 2
        slot = int(np.argmin(d2))
        return int(self._shown[slot]) if d2[slot] <= HIT_RADIUS_PX**2 else None

    def _handle_click(self, ev: Any) -> bool:
        if self._dataset is None:
            return False
        button = ev.button()
        if ev.double():
            ev.accept()  # the first click already acted
            return True
        row = self._hit(ev.scenePos())
        if button == Qt.MouseButton.LeftButton:
            ev.accept()
            self.plot.setFocus(Qt.FocusReason.MouseFocusReason)
            if row is not None:
                self.select(row)
                return True
            self.select(None)
            here = self.view_box.mapSceneToView(ev.scenePos())
            y = here.y()
            if self._kind == LOGISTIC:
                shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                y = float(self._new_class ^ int(shift))
            self.pointAdded.emit(float(here.x()), float(y))
            return True
        if button == Qt.MouseButton.RightButton:
            ev.accept()
            if row is not None:
                self.select(None)
                self.pointRemoved.emit(row)
            return True
        return False

    def _handle_drag(self, ev: Any) -> bool:
        if ev.button() != Qt.MouseButton.LeftButton or self._dataset is None:
            return False
        if ev.isStart():
            self._dragging = self._hit(ev.buttonDownScenePos())
            if self._dragging is None:
                return False  # empty space: pan as usual
            self.view_box.disableAutoRange()  # the view holds still under the hand
            self.select(self._dragging)
        if self._dragging is None:
            return False
        ev.accept()
        row = self._dragging
        here = self.view_box.mapSceneToView(ev.scenePos())
        x = float(here.x())
        y = float(self._dataset.y[row]) if self._kind == LOGISTIC else float(here.y())
        if ev.isFinish():
            self._dragging = None
            # Back to the real data first: the window answers with set_dataset, and if
            # it refuses the move the point must not stay where it was dropped.
            self._restore_positions()
            self.pointMoved.emit(row, x, y)
        else:
            slot = self._slot(row)
            if slot is not None:
                self._x[slot], self._y[slot] = x, y
                self._draw_points()
                self._draw_model()
        return True

    def _restore_positions(self) -> None:
        if self._dataset is not None:
            self._x, self._y = _drawn(self._dataset, self._shown)
            self._draw_points()
            self._draw_model()

    def _class_toggled(self, c: int, checked: bool) -> None:
        if checked:
            self._new_class = c

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Turn Delete/Backspace on the plot into ``pointRemoved`` for the selection."""
        if watched is self.plot and event.type() in (
            QEvent.Type.KeyPress,
            QEvent.Type.ShortcutOverride,
        ):
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if self._selected is not None and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                event.accept()  # a window-wide Delete shortcut must not take it first
                if event.type() == QEvent.Type.KeyPress:
                    row = self._selected
                    self.select(None)
                    self.pointRemoved.emit(row)
                return True
            if self._selected is not None and key == Qt.Key.Key_Escape:
                self.select(None)
                return True
        return super().eventFilter(watched, event)


def _even_subsample(n: int, most: int) -> IntArray:
    """Return ``most`` evenly spread indices of ``n`` (all of them if ``n <= most``)."""
    if n <= most:
        return np.arange(n, dtype=np.intp)
    return np.unique(np.linspace(0, n - 1, most).astype(np.intp))


def _drawn(dataset: Dataset, rows: IntArray) -> tuple[FloatArray, FloatArray]:
    """Return where the points of ``rows`` are drawn: at their place, within ±LIMIT.

    Beyond that a scatter's bounds overflow, and the view never reaches there.
    """
    return (
        np.clip(dataset.x[rows], -LIMIT, LIMIT),
        np.clip(dataset.y[rows], -LIMIT, LIMIT),
    )


def _clear(item: pg.PlotCurveItem) -> None:
    """Empty a curve, skipping the update (and the repaint) if it is empty already."""
    x, _ = item.getData()
    if x is not None and len(x):
        item.setData([], [])


def _check_kind(kind: str) -> None:
    if kind not in (LINEAR, LOGISTIC):
        raise ValueError(f"kind must be 'linear' or 'logistic', not {kind!r}")
