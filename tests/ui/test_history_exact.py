"""The history view tells the loss of each step's rows from the exact cost, and says why
there is no unique optimum when there is none."""

import numpy as np
import pytest

from gd_explorer.engine import (
    Dataset,
    LinearRegression,
    article_dataset,
    reference_fit,
)
from gd_explorer.state import ExplorerState
from gd_explorer.ui.views import HistoryView


@pytest.fixture
def view(qtbot):
    view = HistoryView()
    qtbot.addWidget(view)
    view.resize(640, 400)
    return view


def title(view):
    label = view.getPlotItem().titleLabel
    return label.text if label.isVisible() else ""


def test_mixed_costs_draw_the_batch_loss_faint_and_the_exact_cost_as_dots(view):
    cost = np.linspace(2.0, 1.0, 300)
    exact = np.zeros(300, dtype=bool)
    exact[[0, 120, 299]] = True
    view.set_history(cost, 0.5, exact=exact)
    assert view.curve.opts["pen"].color().alpha() < 255
    x, y = view.exact_curve.getData()
    np.testing.assert_array_equal(x, [0, 120, 299])
    np.testing.assert_allclose(y, np.log10(cost[[0, 120, 299]]))
    assert view.exact_curve.isVisible()
    assert "batch loss" in title(view) and "exact cost" in title(view)


def test_all_exact_costs_draw_one_line_and_a_title_naming_only_the_optimum(view):
    cost = np.linspace(2.0, 1.0, 50)
    view.set_history(cost, 0.5, exact=np.ones(50, dtype=bool))
    assert view.curve.opts["pen"].color().alpha() == 255
    assert not view.exact_curve.isVisible()
    assert view.title_text == "dashed: optimum J* = 0.5"
    view.set_history(cost, 0.5)  # no flags: exact
    assert not view.exact_curve.isVisible()


def test_many_exact_points_are_thinned_but_keep_the_last(view):
    n = 50_000
    cost = np.linspace(3.0, 1.0, n)
    exact = np.zeros(n, dtype=bool)
    exact[::7] = True
    exact[-1] = True
    view.set_history(cost, None, exact=exact)
    x, _ = view.exact_curve.getData()
    assert len(x) <= 4000 and x[-1] == n - 1 and x[0] == 0


def test_an_undetermined_slope_is_said_above_the_plot(view):
    data = Dataset(np.full(1000, 0.1), np.random.default_rng(3).normal(5.0, 1.0, 1000))
    fit = reference_fit(LinearRegression(data))
    view.set_fit(fit)
    assert "slope undetermined" in title(view)
    assert fit.message in view.toolTip()
    view.set_fit(reference_fit(LinearRegression(article_dataset())))
    assert title(view) == ""


def test_the_window_says_when_the_slope_is_undetermined(window):
    window.explorer.restore(
        ExplorerState(Dataset([2.0, 2.0, 2.0], [1.0, 2.0, 6.0]), (window.settings,))
    )
    assert "slope undetermined" in title(window.history)


def test_a_window_run_of_stochastic_logistic_steps_shows_which_costs_are_exact(qtbot, window):
    rng = np.random.default_rng(5)
    x = rng.normal(size=20_000)
    data = Dataset(x, (x + rng.normal(size=x.size) > 0).astype(float))
    settings = window.settings.replace(
        model="logistic", variant="stochastic", steps=3000, speed=0.0, learning_rate=0.5
    )
    window.explorer.restore(ExplorerState(data, (settings,)))
    window.action_run.trigger()
    qtbot.waitUntil(lambda: window.trajectory.status != "running", timeout=30_000)
    run = window.trajectory
    assert run.cost_exact[0] and run.cost_exact[-1] and not run.cost_exact.all()
    problem = window.problem
    assert run.cost[-1] == pytest.approx(problem.cost(run.params[-1]), rel=1e-12)
    qtbot.waitUntil(window.history.exact_curve.isVisible)
    assert "exact cost" in title(window.history)


def test_an_exported_frame_also_tells_the_row_loss_from_the_exact_cost(qtbot, window):
    from gd_explorer.engine import DescentConfig, descend
    from gd_explorer.ui.painter import paint

    rng = np.random.default_rng(6)
    x = rng.normal(size=20_000)
    data = Dataset(x, (x + rng.normal(size=x.size) > 0).astype(float))
    window.explorer.restore(
        ExplorerState(data, (window.settings.replace(model="logistic", variant="stochastic"),))
    )
    run = descend(window.problem, DescentConfig(0.5, 1000, "stochastic", seed=2))
    assert not run.cost_exact.all()
    paint(window.explorer.trajectory_scene(run, run.steps), window.views)
    assert window.history.exact_curve.isVisible()
