"""Gradient spread on the cost map: each row's own step around the full gradient's."""

from __future__ import annotations

import numpy as np
import pytest

from gd_explorer.engine import Dataset, descend
from gd_explorer.engine.samplers import ReplayedRows
from gd_explorer.engine.scaling import standardise
from gd_explorer.state import ExplorerState
from tests.ui.test_main_window import action, run_to_end

X = np.array([1.0, 3, 4, 5, 6, 7, 8, 10])
Y = np.array([4.0, 3, 7, 7, 8, 10, 8, 11])
CLASSES = np.array([0.0, 0, 0, 1, 1, 1, 1, 1])
STEPS = 40


def finished(qtbot, window, **settings):
    window.explorer.set_settings(
        window.settings.replace(speed=0.0, steps=STEPS, **settings), from_panel=False
    )
    run_to_end(qtbot, window)
    return window.trajectory


def rows_of(config, n, step):
    """The rows a seeded step used, drawn again from the seed by the engine's sampler."""
    replay = ReplayedRows(config.variant, n, config.batch_size, int(config.seed), config.steps)
    return np.atleast_1d(replay.at(step))


def gradients(kind, x, y, m, b):
    if kind == "linear":
        r = y - (m * x + b)
        return np.column_stack([-r * x, -r])
    p = 1.0 / (1.0 + np.exp(-(m * x + b)))
    return np.column_stack([(p - y) * x, p - y])


def assert_arrows_are_the_rows(window, run, step, kind, x, y):
    """The drawn arrows are −α·scale·∇J_i of the step's rows, their mean the step's gradient."""
    spread = window.contour.spread
    config = window.runs[0].config
    used = rows_of(config, len(x), step)
    m, b = run.params[step - 1]
    expected = gradients(kind, x[used], y[used], m, b)
    scale, rate = spread.scale, config.learning_rate
    assert spread.origin == pytest.approx((m, b), abs=0)
    drawn = spread.vectors["rows"] / (-rate * scale)
    assert drawn == pytest.approx(expected, rel=1e-9, abs=1e-12)
    # Same directions, whatever the scale.
    unit = expected / np.hypot(*expected.T)[:, None]
    drawn_unit = spread.vectors["rows"] / np.hypot(*spread.vectors["rows"].T)[:, None]
    assert drawn_unit == pytest.approx(-unit, abs=1e-9)
    assert spread.vectors["step"] / (-rate * scale) == pytest.approx(run.grad[step - 1], rel=1e-9)
    assert drawn.mean(axis=0) == pytest.approx(run.grad[step - 1], rel=1e-9)
    full = gradients(kind, x, y, m, b).mean(axis=0)
    assert spread.vectors["full"] / (-rate * scale) == pytest.approx(full, rel=1e-9)
    assert spread.rows_item.isVisible() and spread.full_item.isVisible()
    # The longest arrow fits the view, and the title line says the spread and the scale.
    (x0, x1), (y0, y1) = window.contour.getViewBox().viewRange()
    every = np.vstack([spread.vectors["rows"], spread.vectors["full"]])
    assert np.max(np.hypot(every[:, 0] / (x1 - x0), every[:, 1] / (y1 - y0))) <= 0.4 + 1e-9
    assert "spread" in window.contour.legend_text
    assert "×" in window.contour.legend_text


@pytest.mark.parametrize("variant", ["stochastic", "minibatch"])
def test_replayed_steps_draw_each_rows_step_and_their_mean(qtbot, window, variant):
    run = finished(qtbot, window, variant=variant, batch_size=3)
    for step in (1, 13, STEPS - 1):
        window.show_step(step)
        assert_arrows_are_the_rows(window, run, step, "linear", X, Y)


def test_the_newest_step_of_a_live_run_draws_its_rows(qtbot, window):
    run = finished(qtbot, window, variant="minibatch", batch_size=4)
    assert window.contour.spread.vectors  # the last frame, not a replay
    assert_arrows_are_the_rows(window, run, STEPS, "linear", X, Y)


def test_logistic_steps_draw_their_rows_log_loss_gradients(qtbot, window):
    window.explorer.restore(
        ExplorerState(Dataset(X, CLASSES), (window.settings.replace(model="logistic"),))
    )
    run = finished(qtbot, window, variant="minibatch", batch_size=3, learning_rate=0.5)
    window.show_step(9)
    assert_arrows_are_the_rows(window, run, 9, "logistic", X, CLASSES)


def test_standardised_x_draws_the_arrows_in_the_maps_units(qtbot, window):
    run = finished(qtbot, window, variant="minibatch", batch_size=3, scaling=True)
    scaled_x = standardise(window.dataset).data(window.dataset).x
    window.show_step(7)
    assert_arrows_are_the_rows(window, run, 7, "linear", scaled_x, Y)
    # The data plot rings the same rows, in the data's own units.
    used = rows_of(window.runs[0].config, len(X), 7)
    ringed_x, _ = window.data_view.sampled_item.getData()
    assert sorted(ringed_x) == sorted(X[used])


def test_the_view_menu_toggle_hides_and_shows_them(qtbot, window):
    toggle = action(window, "actionGradientSpread")
    assert toggle.isCheckable() and toggle.isChecked()
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert toggle in view_menu.actions()
    finished(qtbot, window, variant="stochastic")
    spread = window.contour.spread
    assert spread.vectors
    toggle.setChecked(False)
    assert not spread.vectors
    assert not any(i.isVisible() for i in (spread.rows_item, spread.step_item, spread.full_item))
    assert "spread" not in window.contour.legend_text
    window.show_step(5)  # stays off while replaying
    assert not spread.vectors and not spread.full_item.isVisible()
    toggle.setChecked(True)
    assert spread.full_item.isVisible()
    assert_arrows_are_the_rows(window, window.trajectory, 5, "linear", X, Y)


def test_batch_runs_draw_none(qtbot, window):
    finished(qtbot, window, variant="batch")
    spread = window.contour.spread
    assert not spread.vectors and not spread.full_item.isVisible()
    assert "spread" not in window.contour.legend_text
    window.show_step(3)
    assert not spread.vectors


def test_a_race_draws_the_selected_run_only(qtbot, window):
    window.explorer.set_settings(
        window.settings.replace(variant="stochastic", speed=0.0, steps=STEPS), from_panel=False
    )
    window.explorer.add_run()
    window.explorer.set_settings(
        window.settings.replace(
            variant="minibatch", batch_size=5, speed=0.0, steps=STEPS, seed=77
        ),
        from_panel=False,
    )
    run_to_end(qtbot, window)
    qtbot.waitUntil(lambda: all(r.trajectory.status != "running" for r in window.runs))
    assert window.runs[1].config.variant == "minibatch"
    window.show_step(11)
    spread = window.contour.spread
    assert len(spread.vectors["rows"]) == 5  # the selected run's batch, not the other's one row
    selected = window.runs[1]
    expected = descend(window.problem, selected.config)
    assert spread.origin == pytest.approx(expected.params[10], abs=1e-12)


def test_a_live_frame_on_a_million_logistic_rows_waits_for_a_pause(qtbot):
    import dataclasses

    from gd_explorer.engine import DescentConfig, LogisticRegression, reference_fit
    from gd_explorer.framing import Domain
    from gd_explorer.scene import Scene, trajectory_trace
    from gd_explorer.ui.views.contour import ContourView

    rng = np.random.default_rng(4)
    x = rng.normal(size=300_000)
    problem = LogisticRegression(Dataset(x, (x + rng.normal(size=x.size) > 0).astype(float)))
    config = DescentConfig(0.5, 20, variant="minibatch", batch_size=8, seed=3)
    run = descend(problem, config)
    rows = rows_of(config, problem.n, 20)
    trace = trajectory_trace(run, 20, "running", rows=rows)
    view = ContourView()
    qtbot.addWidget(view)
    view.set_problem(problem, Domain(-1.0, 3.0, -2.0, 2.0))
    fit = reference_fit(problem)
    # Live: a full gradient would be a pass over 300,000 rows every frame; it says so.
    view.show_scene(Scene("logistic", problem.data, fit, (trace,), problem=problem))
    assert not view.spread.vectors and "pause" in view.legend_text
    paused = dataclasses.replace(trace, status="paused")
    view.show_scene(Scene("logistic", problem.data, fit, (paused,), problem=problem))
    assert len(view.spread.vectors["rows"]) == 8
    assert view.spread.vectors["step"] / -(0.5 * view.spread.scale) == pytest.approx(
        run.grad[19], rel=1e-9
    )


def test_the_arrows_grow_with_the_presentation_zoom(qtbot, window):
    finished(qtbot, window, variant="minibatch", batch_size=3)
    spread = window.contour.spread
    base = spread.full_item.opts["pen"].widthF()
    window.contour.set_marker_scale(2.0)
    assert spread.full_item.opts["pen"].widthF() == pytest.approx(2 * base)
    assert spread.vectors  # still drawn
    window.contour.set_marker_scale(1.0)
    assert spread.full_item.opts["pen"].widthF() == pytest.approx(base)
