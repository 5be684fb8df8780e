"""Every view on a function problem: contour, surface, cost curve, history, function panel."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QTextDocument

from gd_explorer.engine import DescentConfig
from gd_explorer.engine.functions import SURFACE_INFO, SURFACES, function_problem
from gd_explorer.framing import Domain
from gd_explorer.scene import Scene, start_trace
from gd_explorer.ui.surface_view import BOX_HEIGHT, COMPRESS_SCALE
from gd_explorer.ui.views.contour import ContourView, function_shade
from gd_explorer.ui.views.function_panel import shape_of
from gd_explorer.ui.views.history import format_number

STEP_TIMEOUT = 10_000


def show_surface(window, name, **changes):
    """Put the window on built-in surface ``name`` (from its own start) through the controller."""
    info = SURFACE_INFO[name]
    settings = window.settings.replace(
        model="function",
        surface=name,
        start_slope=info.start[0],
        start_intercept=info.start[1],
        learning_rate=info.learning_rate,
        **changes,
    )
    window.explorer.set_settings(settings, from_panel=False)
    assert window.problem.kind == "function"
    assert window.problem.name == name


def take_steps(qtbot, window, count):
    for done in range(1, count + 1):
        window.step_once()
        qtbot.waitUntil(
            lambda done=done: window.trajectory is not None and window.trajectory.steps == done,
            timeout=STEP_TIMEOUT,
        )
    # The frame with the last step has been drawn in every view.
    qtbot.waitUntil(
        lambda: (
            window.function_panel.hessian is not None
            and np.array_equal(
                window.function_panel._point, tuple(float(v) for v in window.trajectory.params[-1])
            )
        ),
        timeout=STEP_TIMEOUT,
    )


def at(plot, x, y):
    view_box = plot.getPlotItem().getViewBox()
    return plot.mapFromScene(view_box.mapViewToScene(QPointF(x, y))) + QPoint(0, 0)


def needed_width(label):
    """Return the narrowest width the label's text can wrap to (a table cannot wrap)."""
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setHtml(label.text())
    document.setTextWidth(label.contentsRect().width())
    return document.idealWidth()


def touches_right_edge(label):
    """Return whether the label's text is drawn up to its right edge (cut off there)."""
    image = label.grab().toImage()
    background = image.pixelColor(image.width() - 1, image.height() - 1)
    return any(
        image.pixelColor(x, y) != background
        for x in range(image.width() - 3, image.width())
        for y in range(image.height())
    )


def sorted_rows(points):
    rows = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    return rows[np.lexsort((rows[:, 1], rows[:, 0]))]


# The window.


def test_the_function_panel_takes_the_data_plot_place_and_linear_brings_the_data_back(window):
    data = window.dataset
    assert window.data_stack.currentWidget() is window.data_view
    show_surface(window, "himmelblau")
    assert window.data_stack.currentWidget() is window.function_panel
    assert window.function_panel.objectName() == "functionPanel"
    assert window.function_panel.isVisible() and not window.data_view.isVisible()
    assert not window.table.isVisible()
    assert "Himmelblau" in window.function_panel.title.text()
    window.explorer.set_settings(window.settings.replace(model="linear"), from_panel=False)
    assert window.data_stack.currentWidget() is window.data_view
    assert window.data_view.isVisible() and window.table.isVisible()
    assert window.dataset is data
    shown_x, shown_y = window.data_view.points_item.getData()
    np.testing.assert_array_equal(np.sort(shown_x), np.sort(data.x))
    assert window.table.model().rowCount() >= len(data)


def test_the_panel_shows_the_formulas_and_the_hessian_at_the_ball_after_a_step(qtbot, window):
    show_surface(window, "rosenbrock")
    panel, problem = window.function_panel, window.problem
    assert problem.formula in panel.formula.text().replace("&amp;", "&")
    gx, gy = problem.gradient_text()
    assert gx in panel.gradient.text() and gy in panel.gradient.text()
    take_steps(qtbot, window, 1)
    x, y = (float(v) for v in window.trajectory.params[-1])
    assert (x, y) != SURFACE_INFO["rosenbrock"].start
    expected = problem.hessian((x, y))
    np.testing.assert_allclose(panel.hessian, expected, rtol=1e-12)
    shown = panel.hessian_values.text()
    for value in (expected[0, 0], expected[0, 1], expected[1, 1]):
        assert format_number(value) in shown
    low, high = np.linalg.eigvalsh(expected)
    assert format_number(low) in panel.eigenvalues.text()
    assert format_number(high) in panel.eigenvalues.text()


def test_the_panel_wraps_long_formulas_without_a_horizontal_scroll(window):
    window.resize(1280, 800)
    show_surface(window, "beale")
    panel = window.function_panel
    assert panel.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert panel.widget().minimumSizeHint().width() <= panel.viewport().width()
    # Beale's Hessian is long: shortened in the panel, whole in the tooltip.
    (_, hxy), _ = window.problem.hessian_text()
    assert hxy not in panel.hessian_formulas.text()
    assert hxy in panel.hessian_formulas.toolTip()


@pytest.mark.parametrize(
    ("values", "shape"),
    [
        ((1.0, 3.0), "minimum"),
        ((-1.0, 3.0), "saddle"),
        ((-2.0, -1.0), "maximum"),
        ((0.0, 2.0), "flat"),
    ],
)
def test_the_hessian_eigenvalues_are_read_as_a_shape(values, shape):
    assert shape_of(values) == shape


def test_contour_marks_every_minimum_and_saddle_where_they_are(window):
    show_surface(window, "himmelblau")
    marked = window.contour.marked_points()
    problem = window.problem
    # Four minima of equal height: all four are lowest.
    np.testing.assert_allclose(sorted_rows(marked["lowest"]), sorted_rows(problem.minima))
    assert len(marked["other"]) == 0
    np.testing.assert_allclose(sorted_rows(marked["saddles"]), sorted_rows(problem.saddles))
    assert "global min" in window.contour.legend_text
    assert "saddle" in window.contour.legend_text
    assert not window.contour.optimum.isVisible()
    axis = window.contour.getPlotItem().getAxis
    assert (axis("bottom").labelText, axis("left").labelText) == ("x", "y")


def test_contour_marks_the_lowest_of_several_minima_apart(window):
    show_surface(window, "three-hump-camel")
    marked = window.contour.marked_points()
    minima = window.problem.minima
    np.testing.assert_allclose(marked["lowest"], [minima[0]])
    np.testing.assert_allclose(sorted_rows(marked["other"]), sorted_rows(minima[1:]))


def test_contour_covers_the_function_domain_with_f(window):
    show_surface(window, "rosenbrock")
    contour, problem = window.contour, window.problem
    x0, x1, y0, y1 = problem.domain
    domain = contour.domain
    assert domain.m_min <= x0 and domain.m_max >= x1
    assert domain.b_min <= y0 and domain.b_max >= y1
    np.testing.assert_allclose(
        contour.cost, problem.values(contour.m_values[:, None], contour.b_values[None, :])
    )


def test_contour_levels_reach_the_floor_of_rosenbrock_valley():
    problem = SURFACES["rosenbrock"]
    x0, x1, y0, y1 = problem.domain
    cost = problem.cost_grid(np.linspace(x0, x1, 160), np.linspace(y0, y1, 160))
    shade, (bottom, top), levels = function_shade(problem, cost)
    # The levels are log10 of the height above f_min: several lie in the valley (< 10)
    # and some on the walls (> 100), out of a range of 0 … 2500.
    heights = 10.0 ** np.asarray(levels)
    assert np.sum(heights < 10.0) >= 3
    assert np.sum(heights > 100.0) >= 1
    assert np.all(np.diff(levels) > 0)


def test_contour_levels_are_symmetric_about_a_saddle_and_one_goes_through_it():
    problem = SURFACES["saddle"]
    cost = problem.cost_grid(np.linspace(-2, 2, 101), np.linspace(-2, 2, 101))
    _, (bottom, top), levels = function_shade(problem, cost)
    np.testing.assert_allclose(levels, -levels[::-1], atol=1e-12)
    assert np.any(np.isclose(levels, 0.0))
    assert bottom == -top


def test_contour_leaves_undefined_regions_blank(qtbot):
    view = ContourView()
    qtbot.addWidget(view)
    problem = function_problem("sqrt(x) + y**2")
    view.set_problem(problem, Domain(-1.0, 1.0, -1.0, 1.0))
    undefined = view.m_values < 0
    assert np.all(np.isnan(view.cost[undefined]))
    view.image.render()
    image = view.image.qimage
    # Column-major: image x is the function's x.
    left = image.pixelColor(0, image.height() // 2)
    right = image.pixelColor(image.width() - 1, image.height() // 2)
    assert left.alpha() == 0
    assert right.alpha() == 255


def test_a_click_on_the_function_contour_sets_the_start_x_and_y(qtbot, window):
    show_surface(window, "himmelblau")
    contour = window.contour
    contour.getPlotItem().getViewBox().disableAutoRange()
    target = (-3.0, 2.5)
    qtbot.mouseClick(contour.viewport(), Qt.MouseButton.LeftButton, pos=at(contour, *target))
    px, py = contour.getPlotItem().getViewBox().viewPixelSize()
    assert window.settings.start_slope == pytest.approx(target[0], abs=1.5 * px)
    assert window.settings.start_intercept == pytest.approx(target[1], abs=1.5 * py)
    xs, ys = contour.ball.getData()
    assert (xs[0], ys[0]) == (window.settings.start_slope, window.settings.start_intercept)


def test_the_contour_overlay_lies_over_the_map_and_under_the_lines(qtbot):
    view = ContourView()
    qtbot.addWidget(view)
    view.set_problem(SURFACES["himmelblau"], Domain(-5.0, 5.0, -5.0, 5.0))
    rgba = np.zeros((20, 10, 4), dtype=np.uint8)
    rgba[..., 0] = 255
    rgba[..., 3] = 120
    view.set_overlay(rgba, (-5.0, 5.0, -5.0, 5.0))
    assert view.has_overlay
    assert view.image.zValue() < view.overlay.zValue() < view.isocurves[0].zValue()
    assert view.overlay.zValue() < view.path.zValue()
    rect = view.overlay.mapRectToParent(view.overlay.boundingRect())
    # Pixel centres on the grid's ends: half a pixel beyond the domain each side.
    assert rect.left() == pytest.approx(-5.0 - 10.0 / 19 / 2)
    assert rect.right() == pytest.approx(5.0 + 10.0 / 19 / 2)
    assert rect.top() == pytest.approx(-5.0 - 10.0 / 9 / 2)
    view.clear_overlay()
    assert not view.has_overlay
    with pytest.raises(ValueError, match="RGBA"):
        view.set_overlay(np.zeros((4, 4)), (-1, 1, -1, 1))


def test_every_run_of_a_race_is_drawn_on_the_function_contour(qtbot):
    view = ContourView()
    qtbot.addWidget(view)
    problem = SURFACES["himmelblau"]
    view.set_problem(problem, Domain(-5.0, 5.0, -5.0, 5.0))
    traces = tuple(
        start_trace(DescentConfig(0.01, 10, init=start), problem, slot=slot)
        for slot, start in enumerate([(0.0, 0.0), (-1.0, 1.0), (2.0, -3.0)])
    )
    fit = type("Fit", (), {"cost": 0.0})()
    view.show_scene(Scene("function", problem.data, fit, traces, 0, problem=problem))
    for slot, start in ((1, (-1.0, 1.0)), (2, (2.0, -3.0))):
        assert view.run_balls[slot].isVisible()
        xs, ys = view.run_balls[slot].getData()
        assert (xs[0], ys[0]) == start


def test_the_contour_keeps_to_the_function_when_a_run_falls_away(qtbot):
    # From just off a saddle's axis the ball flies far away: the map must not zoom out
    # after it (the surface would shrink to a dot) but keep near the function's domain.
    from gd_explorer.engine import descend
    from gd_explorer.scene import trajectory_trace

    view = ContourView()
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    qtbot.waitExposed(view)
    problem = SURFACES["saddle"]
    view.set_problem(problem, Domain(*problem.domain))
    run = descend(problem, DescentConfig(0.05, 4000, init=(-1.8, 0.001)))
    assert np.abs(run.params).max() > 1e6
    trace = trajectory_trace(run, run.steps, run.status)
    fit = type("Fit", (), {"cost": None, "exists": False})()
    view.show_scene(Scene("function", problem.data, fit, (trace,), 0, problem=problem))
    view_box = view.getPlotItem().getViewBox()
    view_box.updateAutoRange()  # as the next paint would
    (x_low, x_high), (y_low, y_high) = view_box.viewRange()
    x0, x1, y0, y1 = problem.domain
    assert x_low >= x0 - 2 * (x1 - x0) and x_high <= x1 + 2 * (x1 - x0)
    assert y_low >= y0 - 2 * (y1 - y0) and y_high <= y1 + 2 * (y1 - y0)


# The cost curve.


def test_the_cost_curve_is_the_slice_through_the_ball(qtbot, window):
    show_surface(window, "himmelblau")
    take_steps(qtbot, window, 2)
    curve, problem = window.cost_curve, window.problem
    _, y_ball = (float(v) for v in window.trajectory.params[-1])
    np.testing.assert_allclose(curve.cost_values, problem.values(curve.m_values, y_ball))
    x0, x1, _, _ = problem.domain
    assert curve.m_values[0] <= x0 and curve.m_values[-1] >= x1
    title = curve.getPlotItem().titleLabel.text
    assert f"f(x, y = {format_number(y_ball)})" in title
    assert "∂f/∂x" in title
    assert curve.getPlotItem().getAxis("bottom").labelText == "x"


def test_the_cost_curve_of_a_function_of_one_variable_is_f_of_x(qtbot, window):
    show_surface(window, "double-well")
    take_steps(qtbot, window, 1)
    curve, problem = window.cost_curve, window.problem
    np.testing.assert_allclose(curve.cost_values, problem.values(curve.m_values, 0.0))
    title = curve.getPlotItem().titleLabel.text
    assert "f(x)" in title and "y =" not in title
    assert "f″" in window.function_panel.hessian_values.text()


# The history.


def test_history_plots_f_minus_f_star_on_a_log_axis(qtbot, window):
    show_surface(window, "double-well")
    take_steps(qtbot, window, 3)
    history, problem = window.history, window.problem
    f_star = problem.cost(np.asarray(problem.minima[0]))
    assert f_star < 0  # f itself has no logarithm: only f − f* does
    assert history.mode == "gap"
    assert history.getPlotItem().getAxis("left").logMode
    assert history.getPlotItem().getAxis("left").labelText.startswith("f − f*")
    _, shown = history.curve.getData()  # log10 of what is drawn, on the log axis
    np.testing.assert_allclose(10.0**shown, window.trajectory.cost - f_star)
    assert not history.optimum_line.isVisible()


def test_history_on_a_saddle_plots_f_on_a_linear_axis(qtbot, window):
    show_surface(window, "saddle")
    take_steps(qtbot, window, 3)
    history = window.history
    assert history.mode == "value"
    axis = history.getPlotItem().getAxis("left")
    assert axis.labelText == "f (linear scale)"
    assert not axis.logMode
    _, shown = history.curve.getData()
    np.testing.assert_allclose(shown, window.trajectory.cost)
    assert "no minimum" in history.getPlotItem().titleLabel.text
    # Back on regression: the cost on its log axis again.
    window.explorer.set_settings(window.settings.replace(model="linear"), from_panel=False)
    assert history.mode == "cost"
    assert history.getPlotItem().getAxis("left").logMode


# The surface.


def surface_z(window):
    return window.surface.canvas._surface._z


@pytest.mark.gl
def test_the_surface_heights_are_f_on_the_grid(window):
    show_surface(window, "himmelblau")
    canvas, problem = window.surface.canvas, window.problem
    f = problem.values(canvas.m_values[:, None], canvas.b_values[None, :])
    assert canvas.compression is None
    expected = (f - f.min()) / (f.max() - f.min()) * BOX_HEIGHT
    np.testing.assert_allclose(surface_z(window), expected, rtol=1e-5, atol=1e-5)
    assert canvas._labels["cost"].text == "f"
    assert (canvas._labels["slope"].text, canvas._labels["intercept"].text) == ("x", "y")


@pytest.mark.gl
def test_the_surface_of_rosenbrock_is_log_compressed_so_the_valley_shows(window):
    show_surface(window, "rosenbrock")
    canvas, problem = window.surface.canvas, window.problem
    f = problem.values(canvas.m_values[:, None], canvas.b_values[None, :])
    low, high = f.min(), f.max()
    scale = canvas.compression
    assert scale == pytest.approx(COMPRESS_SCALE * (np.median(f) - low))
    expected = np.log1p((f - low) / scale) / math.log1p((high - low) / scale) * BOX_HEIGHT
    np.testing.assert_allclose(surface_z(window), expected, rtol=1e-5, atol=1e-5)
    # The valley floor (f < 10, under 0.4 % of the range) rises to a visible share of the box.
    valley = f < 10.0
    assert surface_z(window)[valley].max() > 0.1 * BOX_HEIGHT
    assert "log" in canvas._labels["cost"].text


@pytest.mark.gl
def test_the_surface_marks_the_minima_and_the_ball_sits_on_it(qtbot, window):
    show_surface(window, "himmelblau")
    canvas = window.surface.canvas
    assert canvas.minima_marks.visible()
    assert len(canvas.minima_marks.pos) == 4
    assert canvas.saddle_marks.visible()
    take_steps(qtbot, window, 1)
    x, y = (float(v) for v in window.trajectory.params[-1])
    bx, by, bz = canvas._ball.pos[-1]
    _, _, expected = canvas._box_points(
        np.array([x]), np.array([y]), window.problem.values(np.array([x]), np.array([y]))
    )
    assert bz == pytest.approx(float(expected[0]), rel=1e-5)


@pytest.mark.parametrize(
    ("point", "entry"),
    [((254523.0, 440847.0), "−2.65e6"), ((7.774e9, 1.3465e10), "e10")],
    ids=["e6", "e10"],
)
def test_the_hessian_of_large_numbers_fits_the_panel_at_1280_by_800(qtbot, window, point, entry):
    # Where a run falls away from the monkey saddle: step 31 is at (7.774e9, 1.3465e10).
    window.resize(1280, 800)
    show_surface(window, "monkey-saddle")
    window.explorer.start_at(*point)
    panel = window.function_panel
    qtbot.waitUntil(lambda: panel._point == point, timeout=STEP_TIMEOUT)
    assert entry in panel.hessian_values.text()
    # Nothing is cut off at the right: once laid out, the panel's contents are no wider
    # than its view (it has no sideways scroll bar).
    qtbot.waitUntil(lambda: panel.widget().width() <= panel.viewport().width(), timeout=3000)
    for label in (panel.hessian_values, panel.eigenvalues, panel.shape):
        assert needed_width(label) <= label.contentsRect().width()
        assert not touches_right_edge(label)


def test_the_cost_curve_follows_a_run_that_falls_away_along_x(qtbot, window):
    settings = window.settings.replace(
        model="function",
        surface="custom",
        expression="y**2 - x**2",
        start_slope=0.01,
        start_intercept=0.5,
        learning_rate=0.9,
    )
    window.explorer.set_settings(settings, from_panel=False)
    take_steps(qtbot, window, 15)
    x_ball = float(window.trajectory.params[-1, 0])
    assert x_ball > 2 * 10.0  # more than one domain beyond the function's (−5 … 5)
    curve = window.cost_curve
    assert curve.m_values.min() <= x_ball <= curve.m_values.max()


def test_the_contour_legend_follows_the_theme(window):
    from gd_explorer.ui import style

    show_surface(window, "himmelblau")
    title = window.contour.getPlotItem().titleLabel
    window.set_theme("dark")
    assert pg.mkColor(title.opts["color"]) == pg.mkColor(style.current_theme().foreground)
    window.set_theme("light")
    assert pg.mkColor(title.opts["color"]) == pg.mkColor(style.current_theme().foreground)


@pytest.mark.gl
def test_the_surface_says_when_its_heights_are_compressed(window):
    show_surface(window, "rosenbrock")
    assert "log scale" in window.surface.toolTip()
    show_surface(window, "himmelblau")
    assert "log scale" not in window.surface.toolTip()
    assert "Drag to turn" in window.surface.toolTip()
