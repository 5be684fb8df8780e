"""The cost curve, contour and history views: what they draw, how fast, and the click."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from gd_explorer.engine import (
    Dataset,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    cost_grid,
    descend,
    reference_fit,
)
from gd_explorer.framing import (
    MAX_PATH_POINTS,
    Domain,
    decimate_path,
    frame_domain,
    frame_interval,
    problem_domain,
)
from gd_explorer.ui.views import ContourView, CostCurveView, HistoryView
from gd_explorer.ui.views.cost_curve import TRAIL_LENGTH
from gd_explorer.ui.views.history import (
    MAX_POINTS,
    Envelope,
    LogAxis,
    envelope,
    format_number,
)
from gd_explorer.ui.views.items import held_interval

X = [1, 3, 4, 5, 6, 7, 8, 10]
LINEAR = LinearRegression(Dataset(X, [4, 3, 7, 7, 8, 10, 8, 11]))
LOGISTIC = LogisticRegression(Dataset(X, [0, 0, 0, 1, 1, 1, 1, 1]))
BOTH = DescentConfig(0.01, 4000)
OVERSHOOT = DescentConfig(0.05, 100, fixed={"b": 2.6})
DIVERGE = DescentConfig(1.0, 5, fixed={"b": 2.6})
LOGISTIC_SLOPE = DescentConfig(1.0, 1000, fixed={"b": -67.57})


@pytest.fixture(scope="module")
def runs():
    return {
        "both": descend(LINEAR, BOTH),
        "overshoot": descend(LINEAR, OVERSHOOT),
        "diverge": descend(LINEAR, DIVERGE),
        "logistic": descend(LOGISTIC, LOGISTIC_SLOPE),
    }


def _make(qtbot, cls):
    view = cls()
    qtbot.addWidget(view)
    view.resize(640, 400)
    return view


def _tangent_slope(view):
    x, y = view.tangent.getData()
    return (y[1] - y[0]) / (x[1] - x[0]), ((x[0] + x[1]) / 2, (y[0] + y[1]) / 2)


# ---------------------------------------------------------------------------- cost curve


def test_cost_curve_is_the_cost_at_the_held_intercept(qtbot, runs):
    view = _make(qtbot, CostCurveView)
    assert view.objectName() == "costCurvePlot"
    params = runs["overshoot"].params[:6]
    view.set_problem(LINEAR, fixed_b=2.6)
    view.set_state(params)

    m, cost = view.curve.getData()
    assert np.allclose(cost, [LINEAR.cost((mi, 2.6)) for mi in m], rtol=1e-12, atol=1e-12)
    # The curve frames the whole path and the optimum, which sits in the middle.
    best = reference_fit(LINEAR, {"b": 2.6}).theta[0]
    assert m.min() < params[:, 0].min() and m.max() > params[:, 0].max()
    assert math.isclose((m.min() + m.max()) / 2, best, rel_tol=1e-9)

    ball_x, ball_y = view.ball.getData()
    assert (ball_x[0], ball_y[0]) == pytest.approx(
        (params[-1, 0], LINEAR.cost((params[-1, 0], 2.6)))
    )
    slope, middle = _tangent_slope(view)
    assert slope == pytest.approx(LINEAR.gradient((params[-1, 0], 2.6))[0], rel=1e-9)
    assert middle == pytest.approx((ball_x[0], ball_y[0]))


def test_cost_curve_trail_and_current_index(qtbot, runs):
    view = _make(qtbot, CostCurveView)
    params = runs["overshoot"].params
    view.set_problem(LINEAR, fixed_b=2.6)
    view.set_state(params, current_index=50)
    trail_x, trail_y = view.trail.getData()
    assert len(trail_x) == TRAIL_LENGTH
    assert np.array_equal(trail_x, params[21:51, 0])
    assert np.allclose(trail_y, [LINEAR.cost((m, 2.6)) for m in trail_x])
    assert view.ball.getData()[0][0] == params[50, 0]
    view.set_state(params[:3])  # a short path: a short trail
    assert len(view.trail.getData()[0]) == 3


def test_cost_curve_follows_a_learned_intercept(qtbot, runs):
    view = _make(qtbot, CostCurveView)
    params = runs["both"].params
    view.set_problem(LINEAR, fixed_b=None)
    for k in (5, 6, 400):
        view.set_state(params[:k])
        m, b = params[k - 1]
        x, y = view.curve.getData()
        assert np.allclose(y, [LINEAR.cost((mi, b)) for mi in x])
        assert _tangent_slope(view)[0] == pytest.approx(LINEAR.gradient((m, b))[0])
        assert view.ball.getData()[1][0] == pytest.approx(LINEAR.cost((m, b)))


def test_cost_curve_logistic(qtbot, runs):
    view = _make(qtbot, CostCurveView)
    params = runs["logistic"].params
    view.set_problem(LOGISTIC, fixed_b=-67.57)
    view.set_state(params)
    x, y = view.curve.getData()
    assert np.allclose(y, [LOGISTIC.cost((m, -67.57)) for m in x], rtol=1e-9)
    assert view.ball.getData()[0][0] == pytest.approx(15.017184591647284)


@pytest.mark.parametrize(("rows", "points"), [(1_000, 400), (20_000, 200), (100_000, 80)])
def test_large_logistic_data_draw_the_curve_through_fewer_exact_points(qtbot, rows, points):
    rng = np.random.default_rng(2)
    x = rng.normal(size=rows) * 3
    problem = LogisticRegression(Dataset(x, (rng.random(rows) < 1 / (1 + np.exp(-x))) * 1.0))
    view = _make(qtbot, CostCurveView)
    view.set_problem(problem)
    view.set_state([[0.4, 0.1], [0.6, 0.2]])
    m, b = view.curve.getData()[0], view._curve_b
    assert len(m) == points  # each point is a pass over every row
    np.testing.assert_allclose(view.curve.getData()[1], cost_grid(problem, m, [b])[:, 0])
    assert view.ball.getData()[1][0] == pytest.approx(problem.cost((0.6, 0.2)), rel=1e-12)


def test_cost_curve_shows_the_flight_of_a_diverging_run(qtbot, runs):
    view = _make(qtbot, CostCurveView)
    params = runs["diverge"].params
    view.set_problem(LINEAR, fixed_b=2.6)
    view.set_state(params)
    with qtbot.waitExposed(view):
        view.show()
    ball = view.ball.getData()
    (x0, x1), (y0, y1) = view.getViewBox().viewRange()

    def ball_in_view():
        (x0, x1), (y0, y1) = view.getViewBox().viewRange()
        return x0 < ball[0][0] < x1 and y0 < ball[1][0] < y1

    qtbot.waitUntil(ball_in_view)
    x, _ = view.curve.getData()
    assert x.min() < params[:, 0].min() and x.max() > params[:, 0].max()


def test_cost_curve_bounds_a_million_point_path(qtbot):
    view = _make(qtbot, CostCurveView)
    rng = np.random.default_rng(1)
    params = np.cumsum(rng.normal(scale=1e-3, size=(10**6, 2)), axis=0)
    view.set_problem(LINEAR)
    view.set_state(params)
    assert len(view.curve.getData()[0]) <= 1000
    assert len(view.trail.getData()[0]) == TRAIL_LENGTH
    assert view.ball.getData()[0][0] == params[-1, 0]


# ------------------------------------------------------------------------------- contour


def test_contour_image_has_its_minimum_at_the_optimum(qtbot):
    view = _make(qtbot, ContourView)
    assert view.objectName() == "contourPlot"
    domain = problem_domain(LINEAR, (0.0, 0.0))
    view.set_problem(LINEAR, domain)
    fit = reference_fit(LINEAR)
    i, j = np.unravel_index(np.argmin(view.image.image), view.image.image.shape)
    step_m = view.m_values[1] - view.m_values[0]
    step_b = view.b_values[1] - view.b_values[0]
    assert abs(view.m_values[i] - fit.theta[0]) <= step_m
    assert abs(view.b_values[j] - fit.theta[1]) <= step_b
    # The pixel at index (i, j) is drawn at (m_i, b_j).
    centre = view.image.mapToParent(QPointF(i + 0.5, j + 0.5))
    assert (centre.x(), centre.y()) == pytest.approx((view.m_values[i], view.b_values[j]))
    corner = [[LINEAR.cost((m, b)) for b in view.b_values[:3]] for m in view.m_values[:3]]
    assert np.allclose(view.cost[:3, :3], corner)
    star = view.optimum.getData()
    assert (star[0][0], star[1][0]) == pytest.approx(fit.theta)
    assert view.domain == domain


def test_contour_recomputes_only_on_change(qtbot):
    view = _make(qtbot, ContourView)
    domain = problem_domain(LINEAR, (0.0, 0.0))
    view.set_problem(LINEAR, domain)
    cost = view.cost
    view.set_problem(LINEAR, tuple(domain))
    assert view.cost is cost
    view.set_domain(Domain(0.0, 2.0, 0.0, 4.0))
    assert view.cost is not cost
    assert (view.m_values[0], view.m_values[-1], view.b_values[-1]) == (0.0, 2.0, 4.0)


def test_contour_without_an_optimum_has_no_star(qtbot, runs):
    view = _make(qtbot, ContourView)
    assert not reference_fit(LOGISTIC).exists
    params = runs["logistic"].params
    view.set_problem(LOGISTIC, problem_domain(LOGISTIC, (0.0, -67.57), params), {"b": -67.57})
    view.set_path(params)
    assert len(view.optimum.getData()[0]) == 0
    assert np.all(np.isfinite(view.image.image))
    assert view.held.isVisible() and view.held.value() == -67.57


def test_contour_path_ball_and_start(qtbot, runs):
    view = _make(qtbot, ContourView)
    params = runs["overshoot"].params
    view.set_problem(LINEAR, problem_domain(LINEAR, (0.0, 2.6), params))
    view.set_path(params[:10])
    x, y = view.path.getData()
    assert np.array_equal(np.column_stack([x, y]), params[:10])
    assert (view.ball.getData()[0][0], view.ball.getData()[1][0]) == tuple(params[9])
    assert (view.start.getData()[0][0], view.start.getData()[1][0]) == tuple(params[0])
    view.set_path(np.empty((0, 2)))
    assert len(view.ball.getData()[0]) == 0


def test_contour_bounds_a_million_point_path(qtbot):
    view = _make(qtbot, ContourView)
    params = np.cumsum(np.random.default_rng(2).normal(scale=1e-3, size=(10**6, 2)), axis=0)
    view.set_problem(LINEAR, problem_domain(LINEAR, (0.0, 0.0), params))
    view.set_path(params)
    x, y = view.path.getData()
    assert len(x) <= MAX_PATH_POINTS
    assert (x[0], y[0]) == tuple(params[0]) and (x[-1], y[-1]) == tuple(params[-1])
    assert view.ball.getData()[0][0] == params[-1, 0]


def test_decimated_path_keeps_ends_and_is_stable_as_it_grows():
    params = np.arange(2 * 100_001, dtype=float).reshape(-1, 2)
    for n in (1, 2, MAX_PATH_POINTS, MAX_PATH_POINTS + 1, 99_999, 100_001):
        drawn = decimate_path(params[:n])
        assert len(drawn) <= MAX_PATH_POINTS
        assert np.array_equal(drawn[0], params[0]) and np.array_equal(drawn[-1], params[n - 1])
    # Between stride changes the same rows are drawn: no flicker while the run grows.
    a, b = decimate_path(params[:99_000]), decimate_path(params[:99_500])
    assert np.array_equal(a[:-1], b[: len(a) - 1])


def _click_at(qtbot, view, m, b, button=Qt.MouseButton.LeftButton):
    viewbox = view.getViewBox()
    viewbox.disableAutoRange()
    pos = view.mapFromScene(viewbox.mapViewToScene(QPointF(m, b)))
    qtbot.mouseClick(view.viewport(), button, pos=pos)


def test_clicking_the_contour_requests_a_start_there(qtbot):
    view = _make(qtbot, ContourView)
    view.set_problem(LINEAR, problem_domain(LINEAR, (0.0, 0.0)))
    with qtbot.waitExposed(view):
        view.show()
    viewbox = view.getViewBox()
    viewbox.disableAutoRange()
    qtbot.waitUntil(lambda: viewbox.viewRange()[0][1] > 1.5)  # the domain is framed
    pixel = viewbox.viewPixelSize()
    for m, b in ((0.3, 4.0), (1.5, 0.2)):
        with qtbot.waitSignal(view.startRequested, timeout=2000) as blocker:
            _click_at(qtbot, view, m, b)
        got_m, got_b = blocker.args
        # The click lands on a whole pixel: within one pixel of the point asked for.
        assert abs(got_m - m) <= pixel[0] and abs(got_b - b) <= pixel[1]
    with qtbot.assertNotEmitted(view.startRequested, wait=50):
        _click_at(qtbot, view, 0.3, 4.0, Qt.MouseButton.RightButton)
        view.getViewBox().menu.hide()


def test_setters_never_emit(qtbot, runs):
    view = _make(qtbot, ContourView)
    with qtbot.assertNotEmitted(view.startRequested):
        view.set_problem(LINEAR, problem_domain(LINEAR, (0.0, 0.0)))
        view.set_path(runs["both"].params)
        view.set_domain(Domain(-1.0, 1.0, -1.0, 1.0))


# ------------------------------------------------------------------------------- history


def test_history_draws_log10_of_the_cost_and_the_optimum(qtbot, runs):
    view = _make(qtbot, HistoryView)
    assert view.objectName() == "historyPlot"
    cost = runs["both"].cost[:500]
    best = reference_fit(LINEAR).cost
    view.set_history(cost, best)
    x, y = view.curve.getData()
    assert np.array_equal(x, np.arange(500))
    assert np.allclose(y, np.log10(cost))
    assert view.optimum_line.isVisible()
    assert view.optimum_line.value() == pytest.approx(math.log10(best))
    assert "J* = 0.6315" in view.title_text  # above the plot, never on the curve
    view.set_history(cost, None)
    assert not view.optimum_line.isVisible() and "J*" not in view.title_text


def test_history_of_a_perfect_fit_draws_zero_at_a_stated_floor(qtbot):
    view = _make(qtbot, HistoryView)
    view.set_history(np.array([4.0, 0.5, 1e-3, 0.0]), 0.0)
    _, y = view.curve.getData()
    assert np.all(np.isfinite(y))
    assert view.floor == pytest.approx(1e-4)
    assert y[-1] == pytest.approx(-4.0)
    assert "a cost of 0 is drawn at 0.0001" in view.title_text
    view.set_history(np.array([4.0, 0.5]), 0.1)
    assert view.floor == 0.0 and "a cost of 0" not in view.title_text


def test_history_decimation_keeps_ends_bound_and_spikes(qtbot):
    view = _make(qtbot, HistoryView)
    rng = np.random.default_rng(3)
    cost = 1.0 + rng.random(10**6)
    cost[123_457] = 1e6  # a stochastic step that blew up for a moment
    cost[654_321] = 1e-6
    view.set_history(cost, 1.0)
    x, y = view.curve.getData()
    assert len(x) <= MAX_POINTS
    assert (x[0], x[-1]) == (0, 10**6 - 1)
    assert y[0] == pytest.approx(np.log10(cost[0])) and y[-1] == pytest.approx(np.log10(cost[-1]))
    assert y.max() == pytest.approx(6.0) and y.min() == pytest.approx(-6.0)


@pytest.mark.parametrize("n", [1, 5, MAX_POINTS, MAX_POINTS + 1, 123_457])
def test_envelope_bounds(n):
    values = np.sin(np.arange(n))
    steps, drawn = envelope(values)
    assert len(steps) <= MAX_POINTS
    assert (steps[0], drawn[0], steps[-1], drawn[-1]) == (0, values[0], n - 1, values[-1])
    assert drawn.max() == values.max() and drawn.min() == values.min()
    assert np.all(np.diff(steps) >= 0)


def test_log_axis_labels_and_numbers():
    axis = LogAxis("left")
    labels = axis.logTickStrings([0.0, math.log10(2), math.log10(3), 1.0, -10.0, 5.0], 1, 1)
    assert labels == ["1", "2", "", "10", "10⁻¹⁰", "10⁵"]
    assert format_number(-5.0333e-05) == "\N{MINUS SIGN}5.033e\N{MINUS SIGN}5"
    assert format_number(0.84482758) == "0.8448"


# -------------------------------------------------------------------------------- domain


def test_frame_domain_centres_on_the_optimum_and_holds_every_point():
    points = np.array([[0.0, 0.0], [3.0, -1.0]])
    d = frame_domain(points, optimum=(1.0, 2.0))
    assert (d.m_min + d.m_max) / 2 == pytest.approx(1.0)
    assert (d.b_min + d.b_max) / 2 == pytest.approx(2.0)
    assert d.m_min < 0.0 and d.m_max > 3.0 and d.b_min < -1.0 and d.b_max > 2.0


@pytest.mark.parametrize(
    "points, optimum",
    [
        (np.empty((0, 2)), None),
        (np.zeros((5, 2)), None),
        (np.full((3, 2), 1e9), (1e9, 1e9)),
        (np.array([[np.nan, 1.0], [np.inf, 1.0]]), None),
    ],
)
def test_frame_domain_degenerate_cases_give_a_real_window(points, optimum):
    m_min, m_max, b_min, b_max = frame_domain(points, optimum)
    assert all(map(math.isfinite, (m_min, m_max, b_min, b_max)))
    assert m_min < m_max and b_min < b_max


def test_frame_interval_respects_a_minimum_half_width():
    assert frame_interval([1.0, 1.0], centre=1.0, min_half=0.5) == (0.5, 1.5)
    assert frame_interval([]) == (-1.0, 1.0)


@pytest.mark.parametrize(
    "problem",
    [
        LINEAR,
        LOGISTIC,  # separated: no finite optimum
        LinearRegression(Dataset([2, 2, 2], [1, 5, 3])),  # every x equal: a flat direction
        LinearRegression(Dataset([1, 2, 3], [4, 4, 4])),  # a perfect horizontal fit
    ],
)
def test_problem_domain_frames_start_path_and_optimum(problem):
    path = np.array([[0.0, 0.0], [0.5, -0.25], [2.0, 1.0]])
    d = problem_domain(problem, (0.0, 0.0), path)
    assert d.m_min < 0.0 < 2.0 < d.m_max and d.b_min < -0.25 and d.b_max > 1.0
    fit = reference_fit(problem)
    if fit.exists:
        assert d.m_min < fit.theta[0] < d.m_max and d.b_min < fit.theta[1] < d.b_max
    assert all(map(math.isfinite, d))


def test_problem_domain_of_a_diverging_run_shows_the_flight(runs):
    params = runs["diverge"].params
    d = problem_domain(LINEAR, (0.0, 2.6), params)
    assert d.m_min < params[:, 0].min() and d.m_max > params[:, 0].max()


# ------------------------------------------------------------------------- cheap frames
# The window redraws every view up to 60 times a second while a run goes on.


def _count_set_data(monkeypatch, item):
    calls = []
    original = item.setData

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(item, "setData", counting)
    return calls


def _range_changes(view):
    changes = []
    view.getViewBox().sigRangeChanged.connect(lambda *args: changes.append(args))
    return changes


def _paint(view):
    """Handle what is pending, then paint the plot now, as the screen's next refresh would.

    Auto-range is applied when the plot is painted; Qt paints on a timer, which a loaded
    machine can delay past any number of ``processEvents`` calls.
    """
    QApplication.processEvents()
    view.viewport().repaint()


def _shown(qtbot, view):
    with qtbot.waitExposed(view):
        view.show()
    _paint(view)


def _in_view(view, x, y):
    (x0, x1), (y0, y1) = view.getViewBox().viewRange()
    return x0 < x < x1 and y0 < y < y1


def test_a_repeated_frame_sets_no_data(qtbot, monkeypatch, runs):
    params, cost = runs["both"].params[:50], runs["both"].cost[:50]
    contour = _make(qtbot, ContourView)
    contour.set_problem(LINEAR, problem_domain(LINEAR, (0.0, 0.0), params))
    curve = _make(qtbot, CostCurveView)
    curve.set_problem(LINEAR)
    history = _make(qtbot, HistoryView)
    counted = [
        _count_set_data(monkeypatch, item) for item in (contour.path, curve.tangent, history.curve)
    ]
    for _ in range(3):  # a paused run, or a frame with no new step
        contour.set_path(params.copy())
        curve.set_state(params.copy())
        history.set_history(cost.copy(), 0.6)
    assert [len(calls) for calls in counted] == [1, 1, 1]
    contour.set_path(params[:40])
    curve.set_state(params[:40])
    history.set_history(cost[:40], 0.6)
    assert [len(calls) for calls in counted] == [2, 2, 2]


def test_contour_holds_still_over_the_map_and_follows_a_flight(qtbot, runs):
    view = _make(qtbot, ContourView)
    params = runs["both"].params
    view.set_problem(LINEAR, problem_domain(LINEAR, (0.0, 0.0), params))
    view.set_path(params[:1])
    _shown(qtbot, view)
    changes = _range_changes(view)
    for k in range(2, 400, 7):
        view.set_path(params[:k])
        _paint(view)
    assert changes == []  # no new range, so no new axes and no second repaint
    flight = np.vstack([params[:20], [[30.0, -40.0]]])
    view.set_path(flight)
    qtbot.waitUntil(lambda: _in_view(view, 30.0, -40.0))


def test_history_moves_its_view_now_and_then_and_shows_every_step(qtbot, runs):
    view = _make(qtbot, HistoryView)
    cost = runs["both"].cost
    view.set_history(cost[:100], reference_fit(LINEAR).cost)
    _shown(qtbot, view)
    changes = _range_changes(view)
    for k in range(101, 2000, 3):
        view.set_history(cost[:k], reference_fit(LINEAR).cost)
        _paint(view)
        (x0, x1), _ = view.getViewBox().viewRange()
        assert x0 < 0 and k - 1 < x1  # it follows every step …
    assert len(changes) < 20  # … moving only now and then over 633 frames


def test_cost_curve_view_holds_still_while_the_ball_rolls_on_it(qtbot, runs):
    view = _make(qtbot, CostCurveView)
    params = runs["overshoot"].params
    view.set_problem(LINEAR, fixed_b=2.6)
    view.set_state(params[:3])  # the first overshoot is the widest
    _shown(qtbot, view)
    changes = _range_changes(view)
    for k in range(4, len(params)):
        view.set_state(params[:k])
        _paint(view)
        assert _in_view(view, *(a[0] for a in view.ball.getData()))
    assert changes == []


def test_envelope_of_a_growing_series_is_kept_up_to_date_exactly():
    rng = np.random.default_rng(4)
    series = rng.random(600_000)
    kept = Envelope(max_points=400)
    n = 1
    while n < len(series):  # across several doublings of the bin length
        for got, expected in zip(kept(series[:n]), envelope(series[:n], 400), strict=True):
            assert np.array_equal(got, expected)
        n += int(rng.integers(1, 9000))
    other = rng.random(300_000)  # a new run, longer than the bins kept
    for values in (other, other[:250_000], series[:5000], series[:4000]):
        for got, expected in zip(kept(values), envelope(values, 400), strict=True):
            assert np.array_equal(got, expected)


def test_held_interval_moves_only_when_it_must():
    assert held_interval(None, (0.0, 10.0), 0.25) == (0.0, 10.0)
    assert held_interval((0.0, 10.0), (0.0, 9.0), 0.25) == (0.0, 10.0)  # still snug
    assert held_interval((0.0, 10.0), (0.0, 12.0), 0.25) == (0.0, 15.0)  # grew: headroom
    assert held_interval((0.0, 15.0), (0.0, 4.0), 0.25) == (0.0, 4.0)  # far too loose
    assert held_interval((0.0, 10.0), (-2.0, 8.0), 0.0) == (-2.0, 8.0)
    assert held_interval((0.0, 10.0), (0.0, 10.0), 0.0) == (0.0, 10.0)
    assert held_interval((0.0, 10.0), (0.0, math.inf), 0.1) is None
    assert held_interval((0.0, 10.0), None, 0.1) is None


# ------------------------------------------------------------------------------ pictures


def _colours(image: QImage) -> int:
    small = image.scaled(160, 100)
    return len({small.pixel(x, y) for x in range(small.width()) for y in range(small.height())})


def test_views_render_at_classroom_size(qtbot, runs, tmp_path):
    params = runs["both"].params[:40]
    curve = _make(qtbot, CostCurveView)
    curve.set_problem(LINEAR)
    curve.set_state(params)
    contour = _make(qtbot, ContourView)
    contour.set_problem(LINEAR, problem_domain(LINEAR, (0.0, 0.0), runs["both"].params))
    contour.set_path(params)
    history = _make(qtbot, HistoryView)
    history.set_history(runs["both"].cost[:40], reference_fit(LINEAR).cost)
    for view in (curve, contour, history):
        with qtbot.waitExposed(view):
            view.show()
        path = tmp_path / f"{view.objectName()}.png"
        assert view.grab().save(str(path))
        image = QImage(str(path))
        assert (image.width(), image.height()) == (640, 400)
        assert _colours(image) > 20  # not a blank plot
