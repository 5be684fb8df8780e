"""The main window, driven as a user drives it: mouse on the plots, keys, the controls.

Every test uses the real window with its worker thread (the ``window`` fixture in
``tests/conftest.py`` stops the thread at teardown, even after a failure).
"""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QSlider,
    QSpinBox,
    QTableView,
    QWidget,
)

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    Dataset,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    cost_grid,
    descend,
)
from gd_explorer.engine.scaling import standardise
from gd_explorer.lessons import LESSONS, get_lesson
from gd_explorer.settings import SPEEDS
from gd_explorer.ui import MainWindow

ARTICLE_RUN = (0.8450107631510549, 2.6022056448336817)
LOGISTIC_SLOPE = 15.017184591647284
DIVERGED_BANNER = "diverged at step 4: learning rate 1.0 is above the stability limit 0.0533"
RUN_TIMEOUT = 30_000
EDIT = Qt.ItemDataRole.EditRole


@pytest.fixture(autouse=True)
def every_mouse_move():
    # pyqtgraph drops mouse moves closer than 10 ms apart; a test sends them faster.
    old = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", -1)
    yield
    pg.setConfigOption("mouseRateLimit", old)


# Finding things by the objectNames DESIGN fixes.


def child(window, kind, name):
    found = window.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def action(window, name):
    return child(window, type(window.action_run), name)


def readout(window, field):
    return child(window, QLabel, f"{field}Readout").text()


def table_rows(window):
    """The (x, y) rows the table's model shows, at full precision, without the new row."""
    model = child(window, QTableView, "datasetTable").model()
    rows = model.rowCount() - 1
    assert model.data(model.index(rows, 0), EDIT) == ""  # the empty new-point row
    return [tuple(float(model.data(model.index(r, c), EDIT)) for c in (0, 1)) for r in range(rows)]


def assert_table_matches(window):
    data = window.dataset
    assert table_rows(window) == list(zip(data.x.tolist(), data.y.tolist(), strict=True))


# The controls, set as a user sets them: each emits the widget's own change signal.


def set_speed(window, steps_per_second):
    child(window, QSlider, "speedInput").setValue(SPEEDS.index(steps_per_second))
    assert window.settings.speed == steps_per_second


def set_steps(window, steps):
    child(window, QSpinBox, "stepsInput").setValue(steps)
    assert window.settings.steps == steps


def set_learning_rate(window, rate):
    child(window, QDoubleSpinBox, "learningRateInput").setValue(rate)
    assert window.settings.learning_rate == rate


def wait_done(qtbot, window, timeout=RUN_TIMEOUT):
    qtbot.waitUntil(lambda: window.trajectory.status != "running", timeout=timeout)
    return window.trajectory


def run_to_end(qtbot, window, timeout=RUN_TIMEOUT):
    action(window, "actionRun").trigger()
    assert window.trajectory is not None
    return wait_done(qtbot, window, timeout)


def worker_steps(qtbot, window):
    """The worker's own step count, reported after its next tick."""
    with qtbot.waitSignal(window.controller.probed) as got:
        window.controller.probe()
    return got.args[0]


# The mouse on a plot: positions in data coordinates, sent to the plot's viewport.


def at(plot, x, y, dx=0, dy=0):
    """Viewport position of the data point (x, y), shifted by (dx, dy) pixels."""
    view_box = plot.getPlotItem().getViewBox()
    return plot.mapFromScene(view_box.mapViewToScene(QPointF(x, y))) + QPoint(dx, dy)


def pixel_size(plot):
    return plot.getPlotItem().getViewBox().viewPixelSize()


def click(qtbot, plot, pos, button=Qt.MouseButton.LeftButton):
    qtbot.mouseClick(plot.viewport(), button, Qt.KeyboardModifier.NoModifier, pos=pos)


def drag(qtbot, plot, start, end, steps=6):
    viewport = plot.viewport()
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
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


@pytest.fixture
def data_plot(window):
    plot = child(window, pg.PlotWidget, "dataPlot")
    plot.getPlotItem().getViewBox().disableAutoRange()
    return plot


def type_into_cell(qtbot, window, row, column, typed):
    """Open a table cell's editor as a user would, type, and press Return."""
    table = child(window, QTableView, "datasetTable")
    index = table.model().index(row, column)
    table.setCurrentIndex(index)
    table.edit(index)
    editor = table.indexWidget(index)
    assert isinstance(editor, QLineEdit) and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, typed)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


# 1-2. Editing the data with the mouse, and undo.


def test_opens_on_the_article_data_ready_to_run(window):
    assert window.dataset == article_dataset()
    assert window.trajectory is None
    assert_table_matches(window)
    assert readout(window, "step") == "0 of 4,000"
    assert readout(window, "status") == "ready"


def test_click_on_empty_space_adds_a_point_there(qtbot, window, data_plot):
    before = window.dataset
    click(qtbot, data_plot, at(data_plot, 2.5, 9.0))
    px, py = pixel_size(data_plot)
    assert len(window.dataset) == len(before) + 1
    assert window.dataset.x[-1] == pytest.approx(2.5, abs=1.5 * px)
    assert window.dataset.y[-1] == pytest.approx(9.0, abs=1.5 * py)
    np.testing.assert_array_equal(window.dataset.x[:-1], before.x)
    assert_table_matches(window)
    xs, ys = window.data_view.points_item.getData()
    assert (xs[-1], ys[-1]) == (window.dataset.x[-1], window.dataset.y[-1])


def test_drag_moves_right_click_removes_and_undo_redo_restore(qtbot, window, data_plot):
    # Points clear of the legend, which sits over the top left of the plot and takes drags.
    original = window.dataset
    drag(qtbot, data_plot, at(data_plot, 3, 3), at(data_plot, 2.0, 5.0))
    px, py = pixel_size(data_plot)
    moved = window.dataset
    assert len(moved) == len(original)
    assert moved.x[1] == pytest.approx(2.0, abs=1.5 * px)
    assert moved.y[1] == pytest.approx(5.0, abs=1.5 * py)
    np.testing.assert_array_equal(np.delete(moved.y, 1), np.delete(original.y, 1))
    assert_table_matches(window)

    click(qtbot, data_plot, at(data_plot, 1, 4), Qt.MouseButton.RightButton)
    removed = window.dataset
    assert len(removed) == len(original) - 1
    assert removed == moved.without(0)
    assert_table_matches(window)

    undo, redo = action(window, "actionUndo"), action(window, "actionRedo")
    assert QKeySequence(QKeySequence.StandardKey.Undo) in undo.shortcuts()
    qtbot.keyClick(data_plot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.dataset == moved
    assert_table_matches(window)
    undo.trigger()
    assert window.dataset == original
    assert_table_matches(window)
    redo.trigger()
    assert window.dataset == moved
    redo.trigger()
    assert window.dataset == removed
    assert_table_matches(window)
    np.testing.assert_array_equal(window.data_view.points_item.getData()[1], removed.y)


# 3-6. Running: the article's numbers, pause and step, divergence, closing mid-run.


def test_run_reaches_the_article_numbers(qtbot, window):
    set_learning_rate(window, 0.01)
    set_steps(window, 4000)
    set_speed(window, 0.0)
    assert window.settings.config().start == (0.0, 0.0)
    run = action(window, "actionRun")
    assert run.shortcut() == QKeySequence("Space")
    trajectory = run_to_end(qtbot, window)
    assert trajectory.status == "max_steps"
    assert trajectory.steps == 4000
    assert tuple(trajectory.params[-1]) == pytest.approx(ARTICLE_RUN, rel=1e-9)
    assert readout(window, "step") == "4,000 of 4,000"
    assert readout(window, "status") == "finished"
    assert float(readout(window, "slope")) == pytest.approx(ARTICLE_RUN[0], rel=1e-5)
    # Every view drew the last step.
    xs, ys = window.contour.ball.getData()
    assert (xs[0], ys[0]) == pytest.approx(ARTICLE_RUN, rel=1e-12)
    assert window.cost_curve.ball.getData()[0][0] == pytest.approx(ARTICLE_RUN[0], rel=1e-12)
    line_x, line_y = window.data_view.line_item.getData()
    slope = (line_y[1] - line_y[0]) / (line_x[1] - line_x[0])
    assert slope == pytest.approx(ARTICLE_RUN[0], rel=1e-9)
    assert run.text() == "Run"


def test_pause_stops_the_step_counter_and_step_takes_exactly_one(qtbot, window):
    set_speed(window, 20)
    run = action(window, "actionRun")
    run.trigger()
    assert run.text() == "Pause"
    qtbot.waitUntil(lambda: window.trajectory.steps >= 2, timeout=10_000)
    run.trigger()  # pause
    assert run.text() == "Run"
    assert readout(window, "status") == "paused"  # at once, not at the next frame
    first = worker_steps(qtbot, window)
    second = worker_steps(qtbot, window)
    assert first == second >= 2, "the worker kept stepping while paused"
    qtbot.waitUntil(lambda: window.trajectory.steps == first, timeout=5_000)
    assert readout(window, "step") == f"{first:,} of 4,000"
    assert readout(window, "status") == "paused"

    action(window, "actionStep").trigger()
    qtbot.waitUntil(lambda: window.trajectory.steps == first + 1, timeout=5_000)
    assert worker_steps(qtbot, window) == worker_steps(qtbot, window) == first + 1
    assert window.trajectory.steps == first + 1
    assert window.trajectory.status == "running"  # paused, not ended
    assert readout(window, "step") == f"{first + 1:,} of 4,000"
    assert readout(window, "status") == "paused"
    m = window.trajectory.params[-1, 0]
    assert float(readout(window, "slope")) == pytest.approx(m, rel=1e-5)


def test_step_before_any_run_takes_one_step_from_the_start(qtbot, window):
    action(window, "actionStep").trigger()
    qtbot.waitUntil(lambda: window.trajectory is not None and window.trajectory.steps == 1)
    assert worker_steps(qtbot, window) == worker_steps(qtbot, window) == 1
    np.testing.assert_array_equal(window.trajectory.params[0], (0.0, 0.0))
    assert readout(window, "step") == "1 of 4,000"


def test_a_diverging_run_shows_the_banner(qtbot, window):
    banner = child(window, QLabel, "divergenceBanner")
    window.load_lesson("slope-without-learning-rate")
    assert not banner.isVisible()
    trajectory = run_to_end(qtbot, window)
    assert trajectory.status == "diverged"
    qtbot.waitUntil(banner.isVisible)
    assert banner.text() == DIVERGED_BANNER
    assert readout(window, "status") == "diverged"
    # The map widened to show the flight of the ball.
    last_m = trajectory.params[-1, 0]
    assert window.contour.domain.m_min <= last_m <= window.contour.domain.m_max
    action(window, "actionReset").trigger()
    assert not banner.isVisible()
    assert window.trajectory is None


def test_the_banner_shows_while_the_ball_is_still_flying(qtbot, window):
    banner = child(window, QLabel, "divergenceBanner")
    window.load_lesson("too-large")
    set_steps(window, 100_000)  # the run goes on after the blow-up until the ceiling
    set_speed(window, 200)
    action(window, "actionRun").trigger()
    qtbot.waitUntil(banner.isVisible, timeout=RUN_TIMEOUT)
    assert banner.text().startswith("diverged at step 52: learning rate 0.06 is above")
    assert window.controller.record.status == "running"


def test_a_lesson_loaded_mid_run_replaces_the_run(qtbot, window):
    set_speed(window, 20)
    action(window, "actionRun").trigger()
    qtbot.waitUntil(lambda: window.trajectory.steps >= 2, timeout=10_000)
    window.load_lesson("slope-without-learning-rate")
    assert window.trajectory is None  # not the old run carrying on under the lesson's controls
    assert action(window, "actionRun").text() == "Run"
    assert readout(window, "step") == "0 of 5"
    assert readout(window, "status") == "ready"
    trajectory = run_to_end(qtbot, window)
    assert trajectory.config.learning_rate == 1.0 and trajectory.config.fixed == {"b": 2.6}
    assert trajectory.status == "diverged"


def test_undoing_a_lesson_mid_run_restarts_with_the_old_settings(qtbot, window):
    window.load_lesson("slope-small-steps")
    set_speed(window, 20)
    action(window, "actionRun").trigger()
    qtbot.waitUntil(lambda: window.trajectory.steps >= 2, timeout=10_000)
    lesson_rate = window.trajectory.config.learning_rate
    generation = window.controller.generation
    action(window, "actionUndo").trigger()
    assert window.settings.learning_rate != lesson_rate
    assert window.controller.generation == generation + 1
    assert window.trajectory.config.learning_rate == window.settings.learning_rate
    assert window.trajectory.config.fixed is None


def test_closing_mid_run_stops_the_worker_without_thread_warnings(qtbot, window, qtlog):
    set_speed(window, 0.0)
    set_steps(window, 10**7)
    action(window, "actionRun").trigger()
    qtbot.waitUntil(lambda: window.trajectory.steps > 1000, timeout=10_000)
    thread, process = window.controller._thread, window.controller._process
    assert thread.isRunning() and process.is_alive()
    assert window.close()
    assert not window.isVisible()
    assert not thread.isRunning()
    assert thread.isFinished()
    assert not process.is_alive()
    assert process.exitcode == 0  # it stopped when asked, it was not killed
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not [record for record in qtlog.records if "QThread" in record.message]


# 7. The table.


def test_table_edit_changes_the_data_and_the_plot(qtbot, window):
    type_into_cell(qtbot, window, 2, 1, "7.25")
    assert window.dataset.y[2] == 7.25
    assert window.dataset.x[2] == 4.0
    assert_table_matches(window)
    assert window.data_view.points_item.getData()[1][2] == 7.25
    type_into_cell(qtbot, window, 0, 0, "-1.5")
    assert window.dataset.x[0] == -1.5
    assert_table_matches(window)


@pytest.mark.parametrize(
    ("typed", "reason"), [("abc", "is not a number"), ("nan", "is not a finite number")]
)
def test_bad_cell_is_refused_with_a_message(qtbot, window, typed, reason):
    before = window.dataset
    type_into_cell(qtbot, window, 2, 1, typed)
    assert window.dataset is before
    assert_table_matches(window)
    message = window.statusBar().currentMessage()
    assert "row 3, y" in message and reason in message
    assert window.undo_stack.count() == 0  # nothing to undo: nothing was stored


# 8-9. Changes during a live run.


def test_editing_data_mid_run_keeps_the_run_on_the_new_cost(qtbot, window, data_plot):
    set_speed(window, 200)
    set_steps(window, 600)
    action(window, "actionRun").trigger()
    qtbot.waitUntil(lambda: window.trajectory.steps >= 10, timeout=10_000)
    generation = window.controller.generation
    original = LinearRegression(window.dataset)
    click(qtbot, data_plot, at(data_plot, 2.0, 10.5))
    assert len(window.dataset) == 9
    assert window.controller.generation == generation
    set_speed(window, 0.0)
    trajectory = wait_done(qtbot, window)
    assert window.controller.generation == generation  # not restarted
    assert trajectory.status == "max_steps" and trajectory.steps == 600
    np.testing.assert_array_equal(trajectory.params[0], (0.0, 0.0))
    edited = LinearRegression(window.dataset)
    assert trajectory.cost[-1] == pytest.approx(edited.cost(trajectory.params[-1]), rel=1e-12)
    np.testing.assert_allclose(
        trajectory.grad[-1], edited.gradient(trajectory.params[-2]), rtol=1e-12
    )
    assert trajectory.cost[-1] != pytest.approx(original.cost(trajectory.params[-1]), rel=1e-3)


def test_new_learning_rate_mid_run_restarts_from_the_ball(qtbot, window):
    set_speed(window, 50)
    action(window, "actionRun").trigger()
    qtbot.waitUntil(lambda: window.trajectory.steps >= 5, timeout=10_000)
    generation = window.controller.generation
    old_record = window.controller.record
    set_learning_rate(window, 0.02)
    assert window.controller.generation == generation + 1
    reached = old_record.view()[0][-1]  # the old run's last point, as drawn
    assert tuple(reached) != (0.0, 0.0)
    qtbot.waitUntil(lambda: window.trajectory.steps >= 1, timeout=10_000)
    trajectory = window.trajectory
    np.testing.assert_array_equal(trajectory.params[0], reached)
    assert trajectory.config.learning_rate == 0.02
    assert trajectory.config.init == tuple(reached)
    assert window.controller.running  # still playing


# 10. Switching the model.


def test_switch_to_logistic_loads_classes_and_undo_goes_back(qtbot, window):
    original = window.dataset
    model = child(window, QComboBox, "modelInput")
    model.setCurrentIndex(model.findData("logistic"))
    assert window.settings.model == "logistic"
    assert window.problem.kind == "logistic"
    assert window.dataset.y.tolist() == list(map(float, ARTICLE_CLASSES))
    assert set(window.dataset.y.tolist()) <= {0.0, 1.0}
    assert_table_matches(window)
    assert "two-class" in window.statusBar().currentMessage()

    qtbot.keyClick(window.data_view.plot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.settings.model == "linear"
    assert model.currentData() == "linear"
    assert window.dataset == original
    assert window.problem.kind == "linear"
    assert_table_matches(window)


def test_logistic_lesson_reaches_the_article_slope(qtbot, window):
    window.load_lesson("logistic-slope")
    assert isinstance(window.problem, LogisticRegression)
    assert child(window, QComboBox, "modelInput").currentData() == "logistic"
    set_speed(window, 0.0)
    trajectory = run_to_end(qtbot, window)
    assert trajectory.status == "max_steps"
    assert trajectory.params[-1, 0] == pytest.approx(LOGISTIC_SLOPE, rel=1e-9)
    assert trajectory.params[-1, 1] == -67.57


# 11-12. Settings that persist, and the starting point picked on the map.


def test_settings_persist_to_the_next_window(qtbot, make_window, settings_folder):
    first = make_window(use_gl=False)
    rate = child(first, QDoubleSpinBox, "learningRateInput")
    assert rate.value() == 0.01
    rate.setFocus()
    rate.lineEdit().selectAll()
    qtbot.keyClicks(rate.lineEdit(), "0.05")
    assert first.settings.learning_rate == 0.01  # keyboard tracking is off: Enter applies
    qtbot.keyClick(rate.lineEdit(), Qt.Key.Key_Return)
    assert first.settings.learning_rate == 0.05
    assert first.close()
    assert any(settings_folder.rglob("*.ini"))

    second = make_window(use_gl=False)
    assert child(second, QDoubleSpinBox, "learningRateInput").value() == 0.05
    assert second.settings.learning_rate == 0.05


def test_click_on_the_contour_sets_the_start(qtbot, window):
    contour = child(window, pg.PlotWidget, "contourPlot")
    contour.getPlotItem().getViewBox().disableAutoRange()
    target = (1.5, 4.0)
    click(qtbot, contour, at(contour, *target))
    px, py = pixel_size(contour)
    settings = window.settings
    assert settings.start_slope == pytest.approx(target[0], abs=1.5 * px)
    assert settings.start_intercept == pytest.approx(target[1], abs=1.5 * py)
    start = (settings.start_slope, settings.start_intercept)
    xs, ys = window.contour.ball.getData()
    assert (xs[0], ys[0]) == start
    assert child(window, QDoubleSpinBox, "startSlopeInput").value() == pytest.approx(start[0])
    # The next run starts there.
    set_steps(window, 10)
    set_speed(window, 0.0)
    trajectory = run_to_end(qtbot, window)
    np.testing.assert_array_equal(trajectory.params[0], start)


def test_a_typed_start_off_the_map_reframes_the_maps(window):
    child(window, QDoubleSpinBox, "startSlopeInput").setValue(50.0)
    assert window.settings.start_slope == 50.0
    domain = window.contour.domain
    assert domain.m_min < 50.0 < domain.m_max
    assert window.contour.ball.getData()[0][0] == 50.0
    assert readout(window, "slope") == "50"


# 14. Without OpenGL.


def test_without_gl_the_panel_says_so_and_a_run_completes(qtbot, make_window):
    window = make_window(use_gl=False)
    panels = window.findChildren(QWidget, "surfaceView")
    assert len(panels) == 1
    assert isinstance(panels[0], QLabel) and panels[0].isVisible()
    assert "needs OpenGL" in panels[0].text()
    set_steps(window, 50)
    set_speed(window, 0.0)
    trajectory = run_to_end(qtbot, window)
    assert trajectory.status == "max_steps" and trajectory.steps == 50
    assert readout(window, "step") == "50 of 50"
    assert isinstance(window, MainWindow)


def test_maps_of_large_logistic_data_are_computed_off_the_window_thread(qtbot, window, tmp_path):
    rng = np.random.default_rng(4)
    x = rng.normal(size=20_000) * 3
    y = (rng.random(x.size) < 1 / (1 + np.exp(-x))).astype(float)
    path = tmp_path / "classes.csv"
    Dataset(x, y).to_csv(path)
    window.load_lesson("logistic-slope")
    qtbot.waitUntil(lambda: window.contour._problem is window.problem, timeout=10_000)
    assert window.open_dataset(path)
    # The window answered at once: the maps still show the old data until the grids come.
    assert window.contour._problem is not window.problem
    qtbot.waitUntil(lambda: window.contour._problem is window.problem, timeout=60_000)
    canvas = window.surface.canvas
    expected = cost_grid(window.problem, canvas.m_values[::17], canvas.b_values[::17])
    np.testing.assert_allclose(canvas.cost[::17, ::17], expected, rtol=1e-12)


def test_maps_that_could_not_be_made_are_reported_and_the_old_ones_stay(window):
    window.explorer._maps_tag, window.explorer._maps_pending = 9, (window.problem, None, None)
    shown = window.contour._problem
    window.explorer._on_grids(9, None)
    assert "could not be computed" in window.statusBar().currentMessage()
    assert window.contour._problem is shown


def test_the_equations_panel_shows_the_last_step_with_its_numbers(qtbot, window):
    window.load_lesson("slope-small-steps")
    for _ in range(3):
        action(window, "actionStep").trigger()
    qtbot.waitUntil(lambda: window.trajectory.steps == 3, timeout=10_000)
    qtbot.waitUntil(lambda: "Step 3" in window.equations.text(), timeout=10_000)
    run = window.trajectory
    text = window.equations.text()
    from gd_explorer.ui.views.equations import number

    # slope ← m₂ − 0.001 × (g₃) = m₃, with the trajectory's own numbers.
    for value in (run.params[2, 0], run.grad[2, 0], run.params[3, 0], run.cost[3]):
        assert number(value) in text
    assert "intercept" in text and "held at 2.6" in text


def test_the_calculus_window_opens_on_the_derivative(qtbot, window):
    tabs = window.show_calculus()
    qtbot.waitUntil(lambda: tabs.windowHandle() is not None and tabs.windowHandle().isExposed())
    derivative = tabs.findChild(QWidget, "derivativeView")
    assert derivative is not None and tabs.findChild(QWidget, "partialDerivativeView")
    derivative.set_function("x²")
    derivative.set_point(4.0)
    assert derivative.tangent_slope == 8.0
    assert window.show_calculus() is tabs  # one window, raised again


def test_the_lessons_panel_loads_lessons_and_follows_the_menu(qtbot, window):
    panel = window.lessons_panel
    window.lessons_dock.show()
    panel.set_current("least-squares")
    qtbot.mouseClick(panel.findChild(QWidget, "lessonNext"), Qt.MouseButton.LeftButton)
    assert window.lesson_id == "slope-without-learning-rate"
    assert window.settings.learning_rate == 1.0 and window.settings.hold_intercept
    window.load_lesson("overshoot")  # from elsewhere: the panel follows
    assert panel.current == "overshoot"


@pytest.mark.parametrize("lesson", [lesson.id for lesson in LESSONS])
def test_every_lesson_reproduces_its_run_through_the_window(qtbot, window, lesson):
    window.load_lesson(lesson)
    window.explorer.set_settings(window.settings.replace(speed=0.0), from_panel=False)
    action(window, "actionRun").trigger()
    trajectory = wait_done(qtbot, window)
    chosen = get_lesson(lesson)
    problem = chosen.problem
    if chosen.scaling:  # the runs descend the cost of standardised x
        problem = standardise(problem.data).problem(problem)
    expected = descend(problem, chosen.config)
    np.testing.assert_array_equal(trajectory.params, expected.params)
    assert trajectory.status == expected.status
