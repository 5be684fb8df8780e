"""Every plot view draws every run of a scene, each in its slot's colour.

A scene of several runs puts one differently coloured line, ball, path or curve per
run on each view; only the selected run has the residuals, the sampled rows and the
tangent; a removed run's items hide and the others keep their colours; and a scene of
one run draws exactly what the per-view calls the window makes today draw.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pyqtgraph as pg
import pytest

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
    reference_fit,
)
from gd_explorer.framing import problem_domain
from gd_explorer.scene import MAX_RUNS, Scene, trajectory_trace
from gd_explorer.ui import style
from gd_explorer.ui.views import ContourView, CostCurveView
from gd_explorer.ui.views.data_view import DataView
from gd_explorer.ui.views.history import HistoryView

RATES = (0.01, 0.03, 0.005, 0.045)


def linear():
    return LinearRegression(article_dataset())


def logistic():
    return LogisticRegression(article_dataset(ARTICLE_CLASSES))


def make_trace(problem, slot, rate, steps=60, init=(0.0, 0.0), fixed=None, variant="batch"):
    config = DescentConfig(rate, steps, variant=variant, seed=7, init=init, fixed=fixed)
    run = descend(problem, config)
    rows = np.array([slot % len(problem.data)])
    return trajectory_trace(
        run, run.steps, run.status, slot=slot, label=f"run {slot + 1}", rows=rows
    )


def race(problem, slots=range(MAX_RUNS), **kwargs):
    rates = (0.5, 1.0, 0.25, 2.0) if problem.kind == "logistic" else RATES
    return [make_trace(problem, s, rates[s], **kwargs) for s in slots]


def make_scene(problem, traces, selected=0):
    return Scene(problem.kind, problem.data, reference_fit(problem), tuple(traces), selected)


def show(qtbot, view):
    qtbot.addWidget(view)
    view.resize(640, 400)
    view.show()
    qtbot.waitExposed(view)
    return view


def colour_of(item):
    pen = item.opts["pen"] if isinstance(item, pg.PlotCurveItem) else item.opts["pen"]
    return pg.mkPen(pen).color().name()


def run_colour(slot):
    return style.run_colour(slot).name()


def xy(item):
    x, y = item.getData()
    return (np.empty(0) if x is None else np.asarray(x)), (np.empty(0) if y is None else y)


def same_data(a, b):
    (xa, ya), (xb, yb) = xy(a), xy(b)
    return np.array_equal(xa, xb) and np.array_equal(ya, yb)


def data_view(qtbot, problem):
    view = show(qtbot, DataView())
    view.set_dataset(problem.data, problem.kind)
    return view


def cost_view(qtbot, problem):
    view = show(qtbot, CostCurveView())
    view.set_problem(problem)
    return view


def contour_view(qtbot, problem, traces=()):
    view = show(qtbot, ContourView())
    path = np.concatenate([t.params for t in traces]) if traces else None
    view.set_problem(problem, problem_domain(problem, (0.0, 0.0), path))
    return view


def history_view(qtbot, problem):
    view = show(qtbot, HistoryView())
    view.set_fit(reference_fit(problem))
    return view


# The data plot.


@pytest.mark.parametrize("problem", [linear(), logistic()], ids=["linear", "logistic"])
def test_data_plot_draws_a_line_per_run_in_its_colour(qtbot, problem):
    view = data_view(qtbot, problem)
    traces = race(problem)
    view.show_scene(make_scene(problem, traces, selected=1))
    selected = view.line_item if problem.kind == "linear" else view.sigmoid_item
    assert colour_of(selected) == run_colour(1)
    assert len(xy(selected)[0]) >= 2
    colours = {colour_of(selected)}
    for slot in (0, 2, 3):
        item = view.run_lines[slot]
        assert item.isVisible() and len(xy(item)[0]) >= 2
        assert colour_of(item) == run_colour(slot)
        colours.add(colour_of(item))
        # The other run's line passes through its own model.
        x, y = xy(item)
        m, b = traces[slot].point
        fitted = m * x + b if problem.kind == "linear" else 1 / (1 + np.exp(-(m * x + b)))
        np.testing.assert_allclose(y, fitted, rtol=1e-9, atol=1e-12)
    assert len(colours) == MAX_RUNS
    assert not view.run_lines[1].isVisible()  # the selected run is the main line
    # The selected run on top and thicker.
    assert all(selected.zValue() > view.run_lines[s].zValue() for s in (0, 2, 3))
    widths = [pg.mkPen(view.run_lines[s].opts["pen"]).widthF() for s in (0, 2, 3)]
    assert pg.mkPen(selected.opts["pen"]).widthF() > max(widths)


def test_only_the_selected_run_has_residuals_and_sampled_rows(qtbot):
    problem = linear()
    view = data_view(qtbot, problem)
    traces = race(problem)
    view.show_scene(make_scene(problem, traces, selected=2))
    m, b = traces[2].point
    x, y = xy(view.residuals_item)
    np.testing.assert_allclose(y[1::2], m * x[1::2] + b)
    sx, sy = view.sampled_item.getData()
    row = int(traces[2].rows[0])
    assert list(sx) == [problem.data.x[row]] and list(sy) == [problem.data.y[row]]


def test_removing_a_run_hides_its_line_and_the_others_keep_their_colours(qtbot):
    problem = linear()
    view = data_view(qtbot, problem)
    traces = race(problem)
    view.show_scene(make_scene(problem, traces))
    view.show_scene(make_scene(problem, [traces[0], traces[1], traces[3]]))
    assert not view.run_lines[2].isVisible()
    assert len(xy(view.run_lines[2])[0]) == 0
    assert view.run_lines[3].isVisible() and colour_of(view.run_lines[3]) == run_colour(3)
    assert colour_of(view.run_lines[1]) == run_colour(1)


@pytest.mark.parametrize("problem", [linear(), logistic()], ids=["linear", "logistic"])
def test_data_plot_one_run_scene_draws_what_the_calls_draw(qtbot, problem):
    (trace,) = race(problem, slots=[0])
    old, new = data_view(qtbot, problem), data_view(qtbot, problem)
    old.set_model(trace.point, problem.kind)
    old.set_sampled(trace.rows)
    new.show_scene(make_scene(problem, [trace]))
    for name in ("line_item", "sigmoid_item", "residuals_item", "sampled_item"):
        assert same_data(getattr(old, name), getattr(new, name)), name
        assert colour_of_any(getattr(old, name)) == colour_of_any(getattr(new, name)), name
    assert not any(item.isVisible() for item in new.run_lines)


def colour_of_any(item):
    return pg.mkPen(item.opts["pen"]).color().name()


# The cost curve.


def test_cost_curve_draws_a_ball_and_trail_per_run(qtbot):
    problem = linear()
    view = cost_view(qtbot, problem)
    # Slope-only runs share the held intercept: every ball is on the slice, solid.
    traces = race(problem, fixed={"b": 2.6})
    view.show_scene(make_scene(problem, traces, selected=0))
    balls = {0: view.ball, **{s: view.run_balls[s] for s in (1, 2, 3)}}
    places = set()
    for slot, ball in balls.items():
        x, y = ball.getData()
        assert len(x) == 1
        m = traces[slot].point[0]
        assert x[0] == pytest.approx(m)
        assert y[0] == pytest.approx(problem.cost((m, 2.6)))
        places.add((x[0], y[0]))
    assert len(places) == MAX_RUNS
    fills = {view.run_balls[s]._base[-1][3].color().name() for s in (1, 2, 3)}
    assert fills == {run_colour(s) for s in (1, 2, 3)}
    for slot in (1, 2, 3):
        tx, _ = view.run_trails[slot].getData()
        assert len(tx) > 1 and tx[-1] == pytest.approx(traces[slot].point[0])
        assert colour_of(view.run_trail_lines[slot]) == run_colour(slot)
    assert not view.run_balls[0].isVisible()  # the selected run has the main ball
    assert "other b" not in view.getPlotItem().titleLabel.text


def test_cost_curve_tangent_is_the_selected_runs_and_other_intercepts_are_rings(qtbot):
    problem = linear()
    view = cost_view(qtbot, problem)
    # Slope and intercept learned, from starts far apart: every run at its own intercept.
    traces = [make_trace(problem, s, 0.01, steps=5, init=(0.0, 6.0 * s)) for s in range(4)]
    view.show_scene(make_scene(problem, traces, selected=3))
    m, b = traces[3].point
    # The slice is the selected run's.
    assert view._curve_b == b
    np.testing.assert_allclose(view.cost_values, [problem.cost((v, b)) for v in view.m_values])
    tx, ty = view.tangent.getData()
    assert np.mean(tx) == pytest.approx(m) and np.mean(ty) == pytest.approx(problem.cost((m, b)))
    title = view.getPlotItem().titleLabel.text
    assert title.startswith("run 4: b = ") and "\N{WHITE CIRCLE} other b" in title
    for slot in (0, 1, 2):
        # At its own slope on the slice shown, drawn as a ring (no fill) in its colour.
        x, y = view.run_balls[slot].getData()
        ms = traces[slot].point[0]
        assert x[0] == pytest.approx(ms) and y[0] == pytest.approx(problem.cost((ms, b)))
        layers = view.run_balls[slot]._base
        assert layers[-1][3].style() == pg.QtCore.Qt.BrushStyle.NoBrush
        assert layers[-1][2].color().name() == run_colour(slot)


def test_cost_curve_removing_a_run_hides_its_ball(qtbot):
    problem = linear()
    view = cost_view(qtbot, problem)
    traces = race(problem, fixed={"b": 2.6})
    view.show_scene(make_scene(problem, traces))
    view.show_scene(make_scene(problem, [traces[0], traces[3]]))
    assert not view.run_balls[1].isVisible() and not view.run_balls[2].isVisible()
    assert len(view.run_trails[1].getData()[0]) == 0
    assert view.run_balls[3].isVisible()


@pytest.mark.parametrize("fixed", [None, {"b": 2.6}], ids=["free", "held"])
def test_cost_curve_one_run_scene_draws_what_the_calls_draw(qtbot, fixed):
    problem = linear()
    (trace,) = race(problem, slots=[0], fixed=fixed)
    old, new = cost_view(qtbot, problem), cost_view(qtbot, problem)
    old.set_problem(problem, (fixed or {}).get("b"))
    old.set_state(trace.params)
    new.show_scene(make_scene(problem, [trace]))
    for name in ("curve", "trail_line", "tangent", "ball", "trail"):
        assert same_data(getattr(old, name), getattr(new, name)), name
    assert old.getPlotItem().titleLabel.text == new.getPlotItem().titleLabel.text
    assert not any(ball.isVisible() for ball in new.run_balls)


# The contour.


def test_contour_draws_a_path_and_ball_per_run(qtbot):
    problem = linear()
    traces = race(problem)
    view = contour_view(qtbot, problem, traces)
    view.show_scene(make_scene(problem, traces, selected=0))
    colours = {colour_of_any(view.path)}
    for slot in (1, 2, 3):
        x, y = view.run_paths[slot].getData()
        np.testing.assert_array_equal(x, traces[slot].params[:, 0])
        np.testing.assert_array_equal(y, traces[slot].params[:, 1])
        colours.add(colour_of_any(view.run_paths[slot]))
        bx, by = view.run_balls[slot].getData()
        assert (bx[0], by[0]) == traces[slot].point
        # Same start as the selected run: drawn once.
        assert not view.run_starts[slot].isVisible()
    assert colours == {run_colour(s) for s in range(MAX_RUNS)}
    assert not view.run_paths[0].isVisible()


def test_contour_marks_each_start_when_starts_differ_and_hides_removed_runs(qtbot):
    problem = linear()
    traces = [
        make_trace(problem, s, 0.01, init=start)
        for s, start in enumerate([(0.0, 0.0), (2.0, 0.0), (0.0, 5.0)])
    ]
    view = contour_view(qtbot, problem, traces)
    view.show_scene(make_scene(problem, traces))
    for slot in (1, 2):
        x, y = view.run_starts[slot].getData()
        assert (x[0], y[0]) == tuple(traces[slot].params[0])
    view.show_scene(make_scene(problem, traces[:2]))
    assert not view.run_paths[2].isVisible()
    assert not view.run_balls[2].isVisible() and not view.run_starts[2].isVisible()
    assert colour_of_any(view.run_paths[1]) == run_colour(1)


def test_contour_one_run_scene_draws_what_the_calls_draw(qtbot):
    problem = linear()
    (trace,) = race(problem, slots=[0])
    old, new = contour_view(qtbot, problem, [trace]), contour_view(qtbot, problem, [trace])
    old.set_path(trace.params)
    new.show_scene(make_scene(problem, [trace]))
    for name in ("path", "ball", "start"):
        assert same_data(getattr(old, name), getattr(new, name)), name
    assert old._frame.ranges == new._frame.ranges
    assert not any(p.isVisible() for p in new.run_paths)


# The history.


def test_history_draws_a_curve_per_run_and_the_optimum_once(qtbot):
    problem = linear()
    view = history_view(qtbot, problem)
    traces = race(problem, steps=80)
    view.show_scene(make_scene(problem, traces, selected=2))
    assert colour_of_any(view.curve) == run_colour(2)
    np.testing.assert_array_equal(view.curve.getData()[1], np.log10(traces[2].cost))
    for slot in (0, 1, 3):
        item = view.run_curves[slot]
        assert item.isVisible() and colour_of_any(item) == run_colour(slot)
        np.testing.assert_array_equal(item.getData()[1], np.log10(traces[slot].cost))
    lines = [i for i in view.getPlotItem().items if isinstance(i, pg.InfiniteLine)]
    assert lines == [view.optimum_line] and view.optimum_line.isVisible()
    view.show_scene(make_scene(problem, [traces[1], traces[2]], selected=1))
    assert not view.run_curves[0].isVisible() and not view.run_curves[3].isVisible()
    assert colour_of_any(view.run_curves[1]) == run_colour(1)


def test_history_shows_batch_losses_and_exact_costs_per_run(qtbot):
    problem = linear()
    view = history_view(qtbot, problem)
    batch = make_trace(problem, 0, 0.01)
    stochastic = make_trace(problem, 1, 0.01, variant="stochastic")
    # Exact costs every tenth step, batch losses between (as on large data).
    exact = np.arange(len(stochastic.cost)) % 10 == 0
    stochastic = dataclasses.replace(stochastic, exact=exact)
    view.show_scene(make_scene(problem, [batch, stochastic]))
    assert view.run_exact_curves[1].isVisible()
    assert pg.mkPen(view.run_curves[1].opts["pen"]).color().alpha() < 255
    assert not view.exact_curve.isVisible()  # the selected run is exact everywhere
    assert view.getPlotItem().titleLabel.text.startswith("faint")


def test_history_one_run_scene_draws_what_the_calls_draw(qtbot):
    problem = linear()
    trace = make_trace(problem, 0, 0.01, variant="stochastic")
    old, new = history_view(qtbot, problem), history_view(qtbot, problem)
    old.set_history(trace.cost, reference_fit(problem).cost, trace.exact)
    new.show_scene(make_scene(problem, [trace]))
    for name in ("curve", "exact_curve"):
        assert same_data(getattr(old, name), getattr(new, name)), name
    assert old.optimum_line.value() == new.optimum_line.value()
    assert old._frame.ranges == new._frame.ranges
    assert not any(c.isVisible() for c in new.run_curves)


# Absurd values in any run.


BIG = 1.7976931348623157e308


def absurd_traces(problem):
    traces = race(problem)
    n = 61
    wild = np.column_stack([np.geomspace(1.0, 1e308, n), np.linspace(0, -1e308, n)])
    wild[-5:] = [[BIG, -BIG], [math.nan, 0.0], [math.inf, 1.0], [0.0, math.nan], [1e154, 2.6]]
    with np.errstate(over="ignore", invalid="ignore"):
        cost = np.array([problem.cost(p) for p in wild])
    flight = dataclasses.replace(traces[1], params=wild, cost=cost, status="diverged")
    steps = 10**7
    along = np.linspace(0.0, 1.0, steps + 1)
    long_params = np.column_stack([0.84 * along, 2.6 * along])
    long = dataclasses.replace(
        traces[2],
        params=long_params,
        cost=np.geomspace(40.0, 1.0, steps + 1),
        exact=np.ones(steps + 1, dtype=bool),
        grad=np.zeros((steps, 2)),
    )
    nan_run = dataclasses.replace(
        traces[3],
        params=np.array([[0.0, 0.0], [math.nan, math.nan]]),
        cost=np.array([40.0, math.nan]),
        exact=np.array([True, True]),
        grad=np.zeros((1, 2)),
    )
    return [traces[0], flight, long, nan_run]


@pytest.fixture
def clean(qtbot):
    with warnings.catch_warnings(record=True) as caught, qtbot.capture_exceptions() as errors:
        warnings.simplefilter("always")
        yield
    assert [str(e[1]) for e in errors] == []
    assert not [str(w.message) for w in caught if w.category is RuntimeWarning]


@pytest.mark.parametrize("problem", [linear(), logistic()], ids=["linear", "logistic"])
def test_absurd_runs_draw_without_warnings(qtbot, clean, problem):
    traces = absurd_traces(problem)
    views = [
        data_view(qtbot, problem),
        cost_view(qtbot, problem),
        contour_view(qtbot, problem, race(problem)),
        history_view(qtbot, problem),
    ]
    for selected in range(MAX_RUNS):
        scene = make_scene(problem, traces, selected)
        for view in views:
            view.show_scene(scene)
            view.grab()


# The 3-D surface, rendered for real.


def surface_view(qtbot, problem, traces):
    from gd_explorer.ui.surface_view import SurfaceView

    view = SurfaceView()
    qtbot.addWidget(view)
    view.resize(640, 480)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(view.canvas.isExposed)  # its OpenGL context exists from then on
    path = np.concatenate([t.params for t in traces])
    view.set_problem(problem, problem_domain(problem, (0.0, 0.0), path))
    return view


def gl_colour(item):
    return pg.mkColor(tuple(int(round(255 * c)) for c in item.color)).name()


def near(pixels, target):
    """Return how many pixels are within a small distance of the colour ``target``."""
    return int(np.sum(np.abs(pixels - target).sum(axis=2) < 60))


def rendered(view):
    from pyqtgraph.functions import ndarray_from_qimage
    from PySide6.QtGui import QImage

    image = view.grabFramebuffer().convertToFormat(QImage.Format.Format_RGBA8888)
    return ndarray_from_qimage(image)[..., :3].astype(int)


@pytest.mark.gl
def test_surface_draws_a_path_and_ball_per_run(qtbot):
    problem = linear()
    traces = [make_trace(problem, s, 0.01, init=(0.0, 4.0 * s - 6.0)) for s in range(4)]
    view = surface_view(qtbot, problem, traces)
    canvas = view.canvas
    before = rendered(view)
    view.show_scene(make_scene(problem, traces, selected=0))
    for slot in (1, 2, 3):
        path, ball = canvas.run_paths[slot], canvas.run_balls[slot]
        assert path.visible() and ball.visible()
        assert len(path.pos) == len(traces[slot].params)
        np.testing.assert_array_equal(ball.pos[0], path.pos[-1])
        assert gl_colour(path) == gl_colour(ball) == run_colour(slot)
    assert not canvas.run_paths[0].visible()
    # Each run's colour is on screen: pixels that were not there before.
    after = rendered(view)
    for slot in range(MAX_RUNS):
        target = np.array(pg.mkColor(run_colour(slot)).getRgb()[:3])
        assert near(after, target) > near(before, target) + 20, run_colour(slot)
    view.show_scene(make_scene(problem, traces[:2]))
    assert not canvas.run_paths[2].visible() and not canvas.run_balls[3].visible()
    assert gl_colour(canvas.run_paths[1]) == run_colour(1)


@pytest.mark.gl
def test_surface_one_run_scene_draws_what_the_calls_draw(qtbot):
    problem = linear()
    (trace,) = race(problem, slots=[0])
    old, new = surface_view(qtbot, problem, [trace]), surface_view(qtbot, problem, [trace])
    old.set_path(trace.params, trace.cost)
    new.show_scene(make_scene(problem, [trace]))
    np.testing.assert_array_equal(old.canvas._path.pos, new.canvas._path.pos)
    np.testing.assert_array_equal(old.canvas._ball.pos, new.canvas._ball.pos)
    assert old.canvas._path.color == new.canvas._path.color
    assert not any(
        p.visible() or b.visible()
        for p, b in zip(new.canvas.run_paths, new.canvas.run_balls, strict=True)
    )
    assert np.array_equal(rendered(old), rendered(new))


@pytest.mark.gl
def test_surface_draws_absurd_runs_without_warnings(qtbot, clean):
    problem = linear()
    traces = absurd_traces(problem)
    view = surface_view(qtbot, problem, race(problem))
    for selected in range(MAX_RUNS):
        view.show_scene(make_scene(problem, traces, selected))
        rendered(view)


@pytest.mark.gl
def test_surface_hides_a_removed_run_after_a_new_problem(qtbot):
    # Loading a race with fewer runs on another problem: the box is drawn anew first,
    # then the scene without the old run; its path must not stay on the surface.
    problem = linear()
    traces = [make_trace(problem, s, 0.01, init=(0.0, 4.0 * s - 6.0)) for s in range(3)]
    view = surface_view(qtbot, problem, traces)
    canvas = view.canvas
    view.show_scene(make_scene(problem, traces))
    assert canvas.run_paths[2].visible()
    other = logistic()
    view.set_problem(other, problem_domain(other, (0.0, 0.0)))
    (only,) = race(other, slots=[0])
    view.show_scene(make_scene(other, [only]))
    drawn = [item.visible() for item in (*canvas.run_paths, *canvas.run_balls)]
    assert not any(drawn)


def test_history_hides_a_removed_run_when_the_kind_of_problem_changes(qtbot):
    # A race of three on a function, then one run on the data (a lesson loaded): the
    # history re-reads what it plots, and the runs gone must go with it.
    from gd_explorer.engine import SURFACES

    function = SURFACES["himmelblau"]
    traces = [make_trace(function, s, 0.01, init=(0.5 * s, -0.5)) for s in range(3)]
    view = history_view(qtbot, function)
    view.show_scene(make_scene(function, traces))
    assert view.run_curves[2].isVisible()
    problem = linear()
    view.show_scene(make_scene(problem, race(problem, slots=[0])))
    assert not any(curve.isVisible() for curve in view.run_curves)
