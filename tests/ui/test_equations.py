"""The live equations panel: its numbers are the trajectory's, step by step."""

import math
import re

import numpy as np
import pytest

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    Dataset,
    Descent,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
)
from gd_explorer.ui.views.equations import EquationsPanel

NUMBER = r"\(?([−\d.e+]+)\)?"


def _float(text: str) -> float:
    return float(text.replace("−", "-"))


def _update(text: str, name: str) -> tuple[float, float, float, float]:
    """Return (old, learning rate, gradient, new) from "name ← a − α × (g) = c"."""
    pattern = rf"^{name}\s*← {NUMBER} − {NUMBER} × {NUMBER} = {NUMBER}$"
    match = re.search(pattern, text, re.MULTILINE)
    assert match, f"no update line for {name} in:\n{text}"
    old, rate, grad, new = (_float(g) for g in match.groups())
    return old, rate, grad, new


def _cost(text: str) -> float:
    match = re.search(rf"^J = .* = {NUMBER}$", text, re.MULTILINE)
    assert match, text
    return _float(match.group(1))


def _same(shown: float, value: float) -> bool:
    """Whether ``shown`` is ``value`` to 4 significant digits."""
    return math.isclose(shown, float(f"{value:.4g}"), rel_tol=1e-9, abs_tol=1e-300)


@pytest.fixture
def panel(qtbot):
    panel = EquationsPanel()
    qtbot.addWidget(panel)
    panel.resize(500, 300)
    panel.show()
    return panel


def _show(panel, problem, config, trajectory, k, rows=None):
    panel.show_step(
        problem.kind,
        config,
        k,
        trajectory.params[k - 1],
        trajectory.params[k],
        trajectory.grad[k - 1],
        trajectory.cost[k],
        rows,
        problem.data,
    )


def test_object_name(panel):
    assert panel.objectName() == "equationsPanel"


def test_batch_numbers_are_the_trajectorys(panel):
    problem = LinearRegression(article_dataset())
    config = DescentConfig(0.01, 20)
    trajectory = descend(problem, config)
    for k in range(1, 21):
        _show(panel, problem, config, trajectory, k)
        text = panel.text()
        for i, name in enumerate(("slope", "intercept")):
            old, rate, grad, new = _update(text, name)
            assert rate == 0.01
            assert _same(old, trajectory.params[k - 1, i]), (k, name, text)
            assert _same(grad, trajectory.grad[k - 1, i]), (k, name, text)
            assert _same(new, trajectory.params[k, i]), (k, name, text)
        assert _same(_cost(text), trajectory.cost[k])
        assert f"Step {k}" in text
        assert "over all 8 rows" in text
        assert "1/(2n) Σ (y − (m·x + b))²" in text
        assert "−1/n Σ (y − (m·x + b))·x" in text


def test_start_shows_dashes_and_the_starting_cost(panel):
    problem = LinearRegression(article_dataset())
    config = DescentConfig(0.01, 20)
    panel.show_start("linear", config, (0.0, 0.0), problem.cost((0.0, 0.0)))
    text = panel.text()
    assert "Start" in text
    assert re.search(r"^slope .*← —$", text, re.MULTILINE)
    assert "←" not in text.replace("← —", "")
    assert _same(_cost(text), problem.cost((0.0, 0.0)))


def test_held_intercept_is_said_to_be_held(panel):
    problem = LinearRegression(article_dataset())
    config = DescentConfig(0.001, 10, fixed={"b": 2.6})
    trajectory = descend(problem, config)
    _show(panel, problem, config, trajectory, 5)
    text = panel.text()
    assert re.search(r"^intercept\s+held at 2\.6$", text, re.MULTILINE)
    assert "intercept ←" not in text
    assert "∂J/∂b" not in text
    old, _, grad, new = _update(text, "slope")
    assert _same(old, trajectory.params[4, 0])
    assert _same(grad, trajectory.grad[4, 0])
    assert _same(new, trajectory.params[5, 0])


def test_stochastic_lists_the_row_used_with_its_values(panel):
    data = article_dataset()
    problem = LinearRegression(data)
    config = DescentConfig(0.01, 5, variant="stochastic", seed=7)
    run = Descent(problem, config)
    for k in range(1, 6):
        chunk = run.advance(1)
        row = int(chunk.rows)
        before = run.since(k - 1).params[0]
        panel.show_step(
            "linear", config, k, before, chunk.params[0], chunk.grad[0], chunk.cost[0], row, data
        )
        text = panel.text()
        assert f"mean over row {row + 1} (n = 1)" in text  # rows as the table numbers them
        x, y = data.x[row], data.y[row]
        assert f"(x, y) = ({x:g}, {y:g})" in text
        _, _, grad, new = _update(text, "slope")
        assert _same(grad, chunk.grad[0, 0])
        assert _same(new, chunk.params[0, 0])
        # The shown gradient is that of the listed row alone.
        assert _same(grad, problem.gradient(before, rows=[row])[0])


def test_minibatch_small_lists_rows_large_counts_them(panel):
    data = article_dataset()
    config = DescentConfig(0.01, 5, variant="minibatch", batch_size=2, seed=1)
    panel.show_step("linear", config, 1, (0, 0), (0.1, 0.02), (-10, -2), 3.0, [2, 6], data)
    text = panel.text()
    assert "mean over rows 3, 7 (n = 2)" in text
    assert "(x, y) = (4, 7), (8, 8)" in text

    rng = np.random.default_rng(0)
    big = Dataset(rng.normal(size=200), rng.normal(size=200))
    config = DescentConfig(0.01, 5, variant="minibatch", batch_size=32, seed=1)
    rows = rng.choice(200, size=32, replace=False)
    panel.show_step("linear", config, 1, (0, 0), (0.1, 0.02), (-10, -2), 3.0, rows, big)
    text = panel.text()
    assert "mean over 32 random rows" in text
    assert "(x, y)" not in text


def test_logistic_shows_sigmoid_and_cross_entropy(panel):
    problem = LogisticRegression(article_dataset(ARTICLE_CLASSES))
    config = DescentConfig(1.0, 10)
    trajectory = descend(problem, config)
    _show(panel, problem, config, trajectory, 3)
    text = panel.text()
    assert "cross-entropy" in text
    assert "σ(m·x + b)" in text
    assert "log(1 − p)" in text
    assert "1/n Σ (σ(m·x + b) − y)·x" in text
    assert _same(_cost(text), trajectory.cost[3])
    _, rate, grad, new = _update(text, "intercept")
    assert rate == 1.0
    assert _same(grad, trajectory.grad[2, 1])
    assert _same(new, trajectory.params[3, 1])


def test_unchanged_input_does_not_set_the_text_again(panel, monkeypatch):
    calls = []
    original = panel.label.setText
    monkeypatch.setattr(panel.label, "setText", lambda html: (calls.append(1), original(html)))
    problem = LinearRegression(article_dataset())
    config = DescentConfig(0.01, 20)
    trajectory = descend(problem, config)
    for _ in range(5):
        _show(panel, problem, config, trajectory, 4)
    assert len(calls) == 1
    _show(panel, problem, config, trajectory, 5)
    assert len(calls) == 2
    panel.clear()
    panel.clear()
    assert len(calls) == 3
    assert panel.text() == ""


def test_scale_enlarges_the_fonts_and_keeps_the_numbers(panel):
    problem = LinearRegression(article_dataset())
    config = DescentConfig(0.01, 20)
    trajectory = descend(problem, config)
    _show(panel, problem, config, trajectory, 2)
    text, html = panel.text(), panel.html()
    panel.set_scale(2.0)
    assert panel.text() == text
    sizes = [float(s) for s in re.findall(r"font-size:([\d.]+)pt", html)]
    doubled = [float(s) for s in re.findall(r"font-size:([\d.]+)pt", panel.html())]
    assert doubled == pytest.approx([2 * s for s in sizes])
    with pytest.raises(ValueError):
        panel.set_scale(0)
