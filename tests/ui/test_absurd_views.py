"""Each view fed absurd numbers directly: ±1e308, nan, inf, huge slopes, zero-width data.

Drawing and painting must raise nothing and warn nothing (a RuntimeWarning from numpy is
a sign of a value that was about to be drawn as garbage)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    MAX_MAGNITUDE,
    Dataset,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
)
from gd_explorer.framing import Domain, problem_domain
from gd_explorer.ui.readout import Readout
from gd_explorer.ui.surface_view import SurfaceView
from gd_explorer.ui.views import ContourView, CostCurveView
from gd_explorer.ui.views.data_view import DataView
from gd_explorer.ui.views.equations import EquationsPanel

BIG = 1.7976931348623157e308
EDGE = MAX_MAGNITUDE
ABSURD_VALUES = [0.0, 1e17, -8.75e18, 1e154, -1e300, 1e308, BIG, -BIG, math.nan, math.inf]
ABSURD_PAIRS = [(m, b) for m in ABSURD_VALUES for b in (0.0, 2.6, -1e300, BIG, math.nan)]


@pytest.fixture
def clean(qtbot):
    """Fail on any RuntimeWarning or exception, the ones raised while painting included."""
    with warnings.catch_warnings(record=True) as caught, qtbot.capture_exceptions() as errors:
        warnings.simplefilter("always")
        yield
    assert [str(e[1]) for e in errors] == []
    found = {_where(w) for w in caught if w.category is RuntimeWarning}
    assert not found, "\n".join(sorted(found))


def _where(warning) -> str:
    # pyqtgraph reports the exceptions it swallows as RuntimeWarnings with a traceback.
    lines = str(warning.message).strip().splitlines()
    return f"{warning.filename}:{warning.lineno}: " + " | ".join(lines[-3:])


def problems():
    return [
        LinearRegression(article_dataset()),
        LogisticRegression(article_dataset(ARTICLE_CLASSES)),
    ]


def show(qtbot, view):
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.mark.parametrize("problem", problems(), ids=["linear", "logistic"])
def test_cost_curve_draws_any_ball(qtbot, clean, problem):
    view = show(qtbot, CostCurveView())
    for fixed_b in (None, 2.6, 1e300):
        view.set_problem(problem, fixed_b)
        for pair in ABSURD_PAIRS:
            view.set_state(np.array([[0.0, 0.0], pair]))
            view.set_state(np.array([pair]))
            view.grab()
            x, y = view.tangent.getData()
            assert np.isfinite(x).all() and np.isfinite(y).all()


@pytest.mark.parametrize("problem", problems(), ids=["linear", "logistic"])
def test_contour_draws_any_window_and_path(qtbot, clean, problem):
    view = show(qtbot, ContourView())
    for box in [(-BIG, BIG, -BIG, BIG), (1e300, 1e300, 0.0, 0.0), (-1e154, 1e154, -1.0, 1.0)]:
        view.set_problem(problem, Domain(*box))
        view.grab()
    for pair in ABSURD_PAIRS:
        view.set_problem(problem, problem_domain(problem, (0.0, 0.0), np.array([pair])))
        view.set_path(np.array([[0.0, 0.0], pair]))
        view.grab()


def test_data_view_draws_any_line_and_curve_over_any_data(qtbot, clean):
    view = show(qtbot, DataView())
    datasets = [
        (article_dataset(), "linear"),
        # The largest values a dataset accepts, with lines and curves of any slope over them.
        (Dataset([-EDGE, EDGE, 0.0], [EDGE, -EDGE, 1.0]), "linear"),
        (Dataset([EDGE, EDGE], [EDGE, EDGE]), "linear"),
        (Dataset([-EDGE, EDGE, 1.0], [0.0, 1.0, 1.0]), "logistic"),
        (article_dataset(ARTICLE_CLASSES), "logistic"),
    ]
    for data, kind in datasets:
        view.set_dataset(data, kind)
        for pair in ABSURD_PAIRS:
            view.set_model(pair, kind)
            view.grab()


def test_readout_and_equations_write_any_number(qtbot, clean):
    readout, equations = show(qtbot, Readout()), show(qtbot, EquationsPanel())
    config = DescentConfig(1.0, 10)
    for value in ABSURD_VALUES:
        readout.show_step(3, 10, value, (value, -value), value, "diverged")
        equations.show_step(
            "linear", config, 3, (value, value), (-value, value), (value, value), value
        )
        readout.grab()
        equations.grab()
        assert "nan" not in readout.values["cost"].text() or math.isnan(value)


@pytest.mark.gl
@pytest.mark.parametrize("problem", problems(), ids=["linear", "logistic"])
def test_surface_draws_any_window_and_path(qtbot, clean, problem):
    view = show(qtbot, SurfaceView())
    qtbot.waitUntil(view.canvas.isExposed)  # its OpenGL context exists from then on
    for box in [(-BIG, BIG, -BIG, BIG), (1e300, 1e300, 0.0, 0.0), (-1e154, 1e154, -1.0, 1.0)]:
        view.set_problem(problem, Domain(*box))
        view.grabFramebuffer()
    for pair in ABSURD_PAIRS[::3]:
        view.set_problem(problem, problem_domain(problem, (0.0, 0.0), np.array([pair])))
        path = np.array([[0.0, 0.0], pair])
        view.set_path(path, np.array([0.0, pair[0]]))
        view.grabFramebuffer()
