"""The data plot: drawing the model, and editing points with the mouse."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from gd_explorer.engine import Dataset, article_dataset
from gd_explorer.engine.dataset import ARTICLE_CLASSES
from gd_explorer.ui import style
from gd_explorer.ui.views import DataView
from gd_explorer.ui.views.data_view import (
    HIT_RADIUS_PX,
    LINE_REACH,
    MAX_RESIDUALS,
    MAX_SHOWN_POINTS,
)

X = np.array([1, 3, 4, 5, 6, 7, 8, 10], dtype=float)
Y = np.array([4, 3, 7, 7, 8, 10, 8, 11], dtype=float)


@pytest.fixture(autouse=True)
def every_mouse_move():
    # pyqtgraph drops mouse moves closer than 10 ms apart; a test sends them faster.
    old = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", -1)
    yield
    pg.setConfigOption("mouseRateLimit", old)


@pytest.fixture
def view(qtbot):
    view = DataView()
    qtbot.addWidget(view)
    view.resize(640, 480)
    with qtbot.waitExposed(view):
        view.show()
    view.set_dataset(article_dataset(), "linear")
    return view


@pytest.fixture
def logistic(view):
    view.set_dataset(article_dataset(ARTICLE_CLASSES), "logistic")
    return view


@pytest.fixture
def edits(view):
    seen = []
    view.pointAdded.connect(lambda x, y: seen.append(("added", x, y)))
    view.pointMoved.connect(lambda i, x, y: seen.append(("moved", i, x, y)))
    view.pointRemoved.connect(lambda i: seen.append(("removed", i)))
    return seen


def at(view, x, y, dx=0, dy=0):
    """Viewport position of the data point (x, y), shifted by (dx, dy) pixels."""
    pos = view.plot.mapFromScene(view.view_box.mapViewToScene(QPointF(x, y)))
    return pos + QPoint(dx, dy)


def data_per_pixel(view):
    px, py = view.view_box.viewPixelSize()
    return px, py


def click(qtbot, view, pos, button=Qt.MouseButton.LeftButton, modifier=None):
    modifier = Qt.KeyboardModifier.NoModifier if modifier is None else modifier
    qtbot.mouseClick(view.plot.viewport(), button, modifier, pos=pos)


def drag(qtbot, view, start, end, steps=6):
    viewport = view.plot.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for k in range(1, steps + 1):
        p = QPointF(start) + (QPointF(end) - QPointF(start)) * (k / steps)
        # QTest.mouseMove does not hold the button; send the move with it held.
        move = QMouseEvent(
            QEvent.Type.MouseMove,
            p,
            QPointF(viewport.mapToGlobal(p.toPoint())),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(viewport, move)
    return lambda: qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


def test_plot_widget_is_named_and_shows_the_points(view):
    assert view.findChild(pg.PlotWidget, "dataPlot") is view.plot
    xs, ys = view.points_item.getData()
    np.testing.assert_array_equal(xs, X)
    np.testing.assert_array_equal(ys, Y)
    assert not view.view_box.menuEnabled()


def test_click_on_empty_space_adds_a_point_there(qtbot, view, edits):
    click(qtbot, view, at(view, 2.5, 9.0))
    assert len(edits) == 1
    kind, x, y = edits[0]
    px, py = data_per_pixel(view)
    assert kind == "added"
    assert x == pytest.approx(2.5, abs=1.5 * px)
    assert y == pytest.approx(9.0, abs=1.5 * py)


def test_click_on_a_point_selects_it_instead_of_adding(qtbot, view, edits):
    click(qtbot, view, at(view, 5, 7, dx=6, dy=-5))  # within the hit radius
    assert edits == []
    assert view.selected == 3
    assert view.selected_item.getData()[0].tolist() == [5.0]


def test_click_just_outside_the_hit_radius_adds(qtbot, view, edits):
    click(qtbot, view, at(view, 5, 7, dx=int(HIT_RADIUS_PX) + 6))
    assert [e[0] for e in edits] == ["added"]
    assert view.selected is None


def test_dragging_a_point_previews_then_emits_one_move(qtbot, view, edits):
    release = drag(qtbot, view, at(view, 6, 8), at(view, 6.5, 5.5))
    assert edits == []  # nothing is edited until the button is released
    xs, ys = view.points_item.getData()
    assert xs[4] == pytest.approx(6.5, abs=0.2) and ys[4] == pytest.approx(5.5, abs=0.2)
    range_before = view.view_box.viewRange()
    release()
    assert len(edits) == 1
    kind, i, x, y = edits[0]
    px, py = data_per_pixel(view)
    assert (kind, i) == ("moved", 4)
    assert x == pytest.approx(6.5, abs=1.5 * px)
    assert y == pytest.approx(5.5, abs=1.5 * py)
    assert view.view_box.viewRange() == range_before  # the drag did not pan the view
    # Until the window answers with set_dataset, the point is drawn at its data position.
    np.testing.assert_array_equal(view.points_item.getData()[1], Y)


def test_dragging_empty_space_pans_and_edits_nothing(qtbot, view, edits):
    (x0, _), _ = view.view_box.viewRange()
    drag(qtbot, view, at(view, 2, 9.5), at(view, 1, 9.5))()  # clear of points and legend
    assert edits == []
    assert view.view_box.viewRange()[0][0] > x0


def test_right_click_on_a_point_removes_it(qtbot, view, edits):
    click(qtbot, view, at(view, 7, 10), Qt.MouseButton.RightButton)
    assert edits == [("removed", 5)]


def test_right_click_on_empty_space_does_nothing_and_opens_no_menu(qtbot, view, edits):
    click(qtbot, view, at(view, 2.5, 9.0), Qt.MouseButton.RightButton)
    assert edits == []
    assert QApplication.activePopupWidget() is None


@pytest.mark.parametrize("key", [Qt.Key.Key_Delete, Qt.Key.Key_Backspace])
def test_select_then_delete_removes_the_point(qtbot, view, edits, key):
    click(qtbot, view, at(view, 3, 3))
    assert view.selected == 1
    qtbot.keyClick(view.plot, key)
    assert edits == [("removed", 1)]
    assert view.selected is None


def test_delete_without_a_selection_does_nothing(qtbot, view, edits):
    qtbot.keyClick(view.plot, Qt.Key.Key_Delete)
    assert edits == []


def test_set_methods_never_emit_edits(view, edits):
    view.set_dataset(Dataset([0, 1, 2], [1, 0, 1]), "logistic")
    view.set_model((1.0, -1.0), "logistic")
    view.set_sampled([0, 2])
    view.set_new_class(1)
    view.select(1)
    view.set_dataset(article_dataset(), "linear")
    view.set_model((0.5, 1.0), "linear")
    view.set_model(None, "linear")
    view.set_sampled(None)
    assert edits == []


def test_residuals_are_one_pair_per_point_from_point_to_line(view):
    m, b = 0.6, 1.5
    view.set_model((m, b), "linear")
    xs, ys = view.residuals_item.getData()
    assert len(xs) == 2 * len(X)  # n segments drawn as pairs
    np.testing.assert_array_equal(xs[0::2], X)
    np.testing.assert_array_equal(xs[1::2], X)
    np.testing.assert_array_equal(ys[0::2], Y)
    np.testing.assert_allclose(ys[1::2], m * X + b)


def test_line_spans_the_visible_x_range(view):
    view.set_model((0.6, 1.5), "linear")
    (x0, x1), _ = view.view_box.viewRange()
    xs, ys = view.line_item.getData()
    np.testing.assert_allclose(xs, [x0, x1])
    np.testing.assert_allclose(ys, 0.6 * xs + 1.5)
    view.set_model(None, "linear")
    assert len(view.line_item.getData()[0]) == 0
    assert len(view.residuals_item.getData()[0]) == 0


def test_model_updates_widen_the_view_at_most_to_a_cap_and_points_stay_visible(view):
    before = view.view_box.viewRange()
    view.set_model((0.5, 2.6), "linear")  # inside the view: the axes hold still
    assert view.view_box.viewRange() == before
    for slope in (31.7, -1125.35):  # a diverging run: widened up, then down, to the cap
        view.set_model((slope, 2.6), "linear")
    capped = view.view_box.viewRange()
    span = np.ptp(Y) * (1 + 2 * LINE_REACH)
    height = capped[1][1] - capped[1][0]
    assert capped[0] == before[0] and before[1][1] - before[1][0] < height < 1.5 * span
    for slope in (41106.975, 54763642.09375, -3e10):
        view.set_model((slope, 2.6), "linear")
        assert view.view_box.viewRange() == capped
    (x0, x1), (y0, y1) = capped
    assert x0 < X.min() and X.max() < x1 and y0 < Y.min() and Y.max() < y1
    for item in (view.line_item, view.residuals_item):
        _, ys = item.getData()
        assert np.all(np.abs(ys) < 1e4)  # clipped near the view, not at 10^8


def test_set_dataset_frames_new_data_but_an_added_point_does_not_jump(view):
    view.set_dataset(Dataset([100, 150, 200], [-5, 0, 5]), "linear")
    (x0, x1), (y0, y1) = view.view_box.viewRange()
    assert x0 < 100 and x1 > 200 and y0 < -5 and y1 > 5
    before = view.view_box.viewRange()
    view.set_dataset(view.dataset.with_point(120, 1), "linear")
    assert view.view_box.viewRange() == before


def test_sampled_rows_are_highlighted_and_cleared(view):
    view.set_sampled(np.array([2, 5]))
    xs, ys = view.sampled_item.getData()
    assert list(zip(xs, ys, strict=True)) == [(4.0, 7.0), (7.0, 10.0)]
    view.set_sampled(0)
    assert view.sampled_item.getData()[0].tolist() == [1.0]
    view.set_sampled(None)
    assert len(view.sampled_item.getData()[0]) == 0


def _count_set_data(monkeypatch, item):
    calls = []
    original = item.setData

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(item, "setData", counting)
    return calls


def test_a_repeated_frame_sets_no_data(view, monkeypatch):
    # A run redraws 60 times a second; a scatter's setData costs far more than a check.
    line = _count_set_data(monkeypatch, view.line_item)
    sampled = _count_set_data(monkeypatch, view.sampled_item)
    sigmoid = _count_set_data(monkeypatch, view.sigmoid_item)
    for _ in range(3):
        view.set_model((0.6, 1.5), "linear")
        view.set_sampled(np.arange(8))
    assert (len(line), len(sampled), len(sigmoid)) == (1, 1, 0)
    view.set_model((0.7, 1.5), "linear")
    view.set_sampled(np.array([3]))
    assert (len(line), len(sampled), len(sigmoid)) == (2, 2, 0)
    assert view.sampled_item.getData()[0].tolist() == [5.0]


def test_logistic_shows_classes_sigmoid_and_cutoff(logistic):
    m, b = 1.2, -5.5
    logistic.set_model((m, b), "logistic")
    assert logistic.class0_item.getData()[0].tolist() == [1.0, 3.0, 4.0]
    assert logistic.points_item.getData()[0].tolist() == [5.0, 6.0, 7.0, 8.0, 10.0]
    title = logistic.plot.getPlotItem().titleLabel.text
    assert title.index("class 0") < title.index("class 1") < title.index("σ(m·x + b)")
    xs, ps = logistic.sigmoid_item.getData()
    assert len(xs) >= 200 and np.all(np.diff(xs) > 0)
    assert np.interp(-b / m, xs, ps) == pytest.approx(0.5, abs=1e-3)
    assert len(logistic.line_item.getData()[0]) == 0
    assert len(logistic.residuals_item.getData()[0]) == 0
    assert logistic.cutoff_item.isVisible() and logistic.cutoff_item.value() == 0.5


def test_the_line_and_classes_are_named_in_the_title_in_their_colours_not_a_legend(view):
    title = view.plot.getPlotItem().titleLabel
    assert "y = m·x + b" in title.text and style.LIGHT.fit in title.text
    view.apply_theme(style.DARK)
    assert style.DARK.fit in title.text and style.LIGHT.fit not in title.text
    view.set_dataset(article_dataset(ARTICLE_CLASSES), "logistic")
    assert "class 0" in title.text and style.DARK.class0 in title.text
    assert "class 1" in title.text and style.DARK.point in title.text
    view.set_dataset(article_dataset(), "linear")
    assert "class 0" not in title.text and style.DARK.fit in title.text
    scene = view.plot.scene().items()
    assert not [item for item in scene if isinstance(item, pg.LegendItem)]


def test_logistic_sigmoid_does_not_overflow(logistic):
    logistic.set_model((1e6, -4.5e6), "logistic")
    _, ps = logistic.sigmoid_item.getData()
    assert np.all(np.isfinite(ps)) and ps.min() == 0.0 and ps.max() == 1.0


def test_logistic_click_adds_the_toggled_class_and_shift_the_other(qtbot, logistic, edits):
    click(qtbot, logistic, at(logistic, 2, 0.7))
    logistic.set_new_class(1)
    click(qtbot, logistic, at(logistic, 9, 0.3))
    click(qtbot, logistic, at(logistic, 9, 0.6), modifier=Qt.KeyboardModifier.ShiftModifier)
    assert [(kind, y) for kind, _, y in edits] == [("added", 0.0), ("added", 1.0), ("added", 0.0)]
    assert logistic.findChild(object, "newClass1Button").isChecked()


def test_logistic_drag_changes_only_x(qtbot, logistic, edits):
    drag(qtbot, logistic, at(logistic, 4, 0), at(logistic, 2, 0.4))()
    [(kind, i, x, y)] = edits
    assert (kind, i, y) == ("moved", 2, 0.0)
    assert x == pytest.approx(2, abs=1.5 * data_per_pixel(logistic)[0])


def test_large_datasets_are_drawn_decimated(view):
    rng = np.random.default_rng(1)
    n = 100_000
    view.set_dataset(Dataset(rng.normal(size=n), rng.normal(size=n)), "linear")
    view.set_model((1.0, 0.0), "linear")
    assert len(view.points_item.getData()[0]) == MAX_SHOWN_POINTS
    assert len(view.residuals_item.getData()[0]) == 2 * MAX_RESIDUALS


def test_render_is_not_blank(view, logistic, tmp_path):
    logistic.set_model((1.2, -5.5), "logistic")
    image = logistic.grab().toImage()
    assert image.width() >= 600
    colours = {image.pixelColor(x, y).name() for x in range(0, 600, 7) for y in range(0, 440, 7)}
    assert len(colours) > 10


# A million rows: drawn through a subsample, edited through what is drawn.

MILLION = 10**6


@pytest.fixture
def million(view):
    rng = np.random.default_rng(3)
    x = rng.uniform(0.0, 10.0, MILLION)
    view.set_dataset(Dataset(x, 0.85 * x + 2.6 + rng.normal(0.0, 1.0, MILLION)), "linear")
    view.set_model((0.85, 2.6), "linear")
    return view


def shown_rows(view):
    """The dataset rows whose points are drawn, in drawing order."""
    data = view.dataset
    x, y = view.points_item.getData()
    rows = view._shown
    np.testing.assert_array_equal(x, data.x[rows])
    np.testing.assert_array_equal(y, data.y[rows])
    return rows


def test_a_million_rows_draw_tens_of_thousands_of_markers_and_the_line(million):
    assert len(million.points_item.getData()[0]) <= MAX_SHOWN_POINTS
    assert len(shown_rows(million)) == MAX_SHOWN_POINTS
    x, y = million.line_item.getData()
    assert len(x) == 2 and np.allclose(y, 0.85 * x + 2.6)
    # Errors drawn for a few thousand points: 20,000 grey lines are a grey band
    # (and were most of the time a frame took).
    drawn = len(million.residuals_item.getData()[0]) // 2
    assert 1000 <= drawn <= MAX_RESIDUALS


def test_a_million_rows_ring_the_sampled_row_even_when_it_is_not_drawn(million):
    data = million.dataset
    hidden = int(np.setdiff1d(np.arange(1000), shown_rows(million))[0])
    million.set_sampled(hidden)  # a stochastic step's row
    x, y = million.sampled_item.getData()
    assert (list(x), list(y)) == ([data.x[hidden]], [data.y[hidden]])
    million.set_sampled(np.arange(MILLION))  # a full batch: only what is drawn
    assert len(million.sampled_item.getData()[0]) == MAX_SHOWN_POINTS


def test_a_million_rows_are_edited_through_the_drawn_points(qtbot, million, edits):
    data = million.dataset
    rows = shown_rows(million)
    # The drawn point farthest from the others around it, so the click is on it alone.
    (x0, x1), (y0, y1) = million.view_box.viewRange()
    inside = (data.x[rows] > x0 + 1) & (data.x[rows] < x1 - 1)
    k = int(np.argmax(np.where(inside, np.abs(data.y[rows] - 0.85 * data.x[rows] - 2.6), 0)))
    row = int(rows[k])
    px, py = data_per_pixel(million)
    others = np.hypot((data.x[rows] - data.x[row]) / px, (data.y[rows] - data.y[row]) / py)
    assert np.sort(others)[1] > 2, "the chosen point is not alone"
    here = at(million, data.x[row], data.y[row])

    drag(qtbot, million, here, here + QPoint(30, -20))()
    [(kind, moved, x, y)] = edits
    assert (kind, moved) == ("moved", row)
    assert x == pytest.approx(data.x[row] + 30 * px, abs=2 * px)
    edits.clear()
    click(qtbot, million, here, Qt.MouseButton.RightButton)
    assert edits == [("removed", row)]
    edits.clear()
    click(qtbot, million, at(million, (x0 + x1) / 2, y1 - 0.02 * (y1 - y0)))
    [(kind, x, y)] = edits
    assert kind == "added" and y > data.y.max()
