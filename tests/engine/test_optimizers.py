"""Update rules: DESIGN's formulas step by step, convergence, seeds, fixed parameters."""

import math
import pickle

import numpy as np
import pytest

from gd_explorer.engine import (
    OPTIMIZERS,
    Dataset,
    Descent,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
    reference_fit,
)
from gd_explorer.engine.optimizers import MAX_SHRINKS

X = np.array([1.0, 3, 4, 5, 6, 7, 8, 10])
Y = np.array([4.0, 3, 7, 7, 8, 10, 8, 11])
RULES = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "newton", "linesearch"]
#: A learning rate for each rule's first steps; the line search's is large enough to shrink.
FIRST_RATES = {
    "gd": 0.01,
    "momentum": 0.01,
    "nesterov": 0.01,
    "adagrad": 0.5,
    "rmsprop": 0.01,
    "adam": 0.1,
    "newton": 0.5,
    "linesearch": 1.0,
}


@pytest.fixture(scope="module")
def line():
    return LinearRegression(article_dataset())


def direct_cost(theta):
    r = Y - (theta[0] * X + theta[1])
    return 0.5 * np.mean(r * r)


def direct_gradient(theta, free):
    r = Y - (theta[0] * X + theta[1])
    return np.array([-np.mean(r * X), -np.mean(r)]) * free


def reference_steps(rule, rate, start, free, options, count=3):
    """Return ``count`` steps of DESIGN's formula for ``rule``, by a plain numpy loop."""
    theta = np.array(start, dtype=float)
    free = np.array(free, dtype=float)
    state = {"v": np.zeros(2), "G": np.zeros(2), "s": np.zeros(2), "m": np.zeros(2)}
    points = [theta.copy()]
    for t in range(1, count + 1):
        g = direct_gradient(theta, free)
        if rule == "gd":
            theta = theta - rate * g
        elif rule in ("momentum", "nesterov"):
            beta = options.get("beta", 0.9)
            state["v"] = beta * state["v"] + g
            step = state["v"] if rule == "momentum" else g + beta * state["v"]
            theta = theta - rate * step
        elif rule == "adagrad":
            state["G"] = state["G"] + g**2
            theta = theta - rate * g / (np.sqrt(state["G"]) + options.get("eps", 1e-10))
        elif rule == "rmsprop":
            rho = options.get("rho", 0.99)
            state["s"] = rho * state["s"] + (1 - rho) * g**2
            theta = theta - rate * g / (np.sqrt(state["s"]) + options.get("eps", 1e-8))
        elif rule == "adam":
            b1, b2 = options.get("beta1", 0.9), options.get("beta2", 0.999)
            eps = options.get("eps", 1e-8)
            state["m"] = b1 * state["m"] + (1 - b1) * g
            state["v"] = b2 * state["v"] + (1 - b2) * g**2
            m_hat = state["m"] / (1 - b1**t)
            v_hat = state["v"] / (1 - b2**t)
            theta = theta - rate * m_hat / (np.sqrt(v_hat) + eps)
        elif rule == "newton":
            hessian = np.array([[np.mean(X * X), np.mean(X)], [np.mean(X), 1.0]])
            keep = np.flatnonzero(free)
            step = np.zeros(2)
            step[keep] = np.linalg.solve(hessian[np.ix_(keep, keep)], g[keep])
            theta = theta - rate * step
        elif rule == "linesearch":
            shrink, c = options.get("shrink", 0.5), options.get("c", 1e-4)
            s = rate
            while direct_cost(theta - s * g) > direct_cost(theta) - c * s * (g @ g):
                s *= shrink
            theta = theta - s * g
        points.append(theta.copy())
    return np.array(points)


OPTIONS = {
    "momentum": {"beta": 0.5},
    "nesterov": {"beta": 0.7},
    "adagrad": {"eps": 1e-6},
    "rmsprop": {"rho": 0.9, "eps": 1e-6},
    "adam": {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6},
    "linesearch": {"shrink": 0.3, "c": 0.1},
}


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("fixed", [None, {"b": 2.6}], ids=["free", "slope-only"])
@pytest.mark.parametrize("custom", [False, True], ids=["defaults", "options"])
def test_first_three_steps_follow_the_formula(line, rule, fixed, custom):
    options = OPTIONS.get(rule, {}) if custom else {}
    rate = FIRST_RATES[rule]
    config = DescentConfig(rate, 3, fixed=fixed, optimizer=rule, optimizer_options=options)
    run = descend(line, config)
    free = (True, fixed is None)
    expected = reference_steps(rule, rate, config.start, free, options)
    np.testing.assert_allclose(run.params, expected, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(run.cost, [direct_cost(p) for p in expected], rtol=1e-12)


def test_the_line_search_shrinks_on_the_article_data(line):
    # So that its test above checks the backtracking, not only a first step taken whole.
    rule = descend(line, DescentConfig(1.0, 3, optimizer="linesearch"))
    moved = np.linalg.norm(np.diff(rule.params, axis=0), axis=1)
    assert np.all(moved < 0.5 * np.linalg.norm(rule.grad, axis=1))


#: Each rule's usual settings on the article's data (from (0, 0), batch, both parameters
#: learned) and the steps it is given. RMSProp at a constant rate circles the optimum
#: at a distance of about its rate (its step is normalised), so it gets an exponential
#: decay; AdaGrad's normalised steps shrink by themselves.
USUAL = {
    "gd": (DescentConfig(0.05, 20_000), 1e-9),
    "momentum": (DescentConfig(0.01, 5_000, optimizer="momentum"), 1e-12),
    "nesterov": (DescentConfig(0.01, 5_000, optimizer="nesterov"), 1e-12),
    "adagrad": (DescentConfig(1.0, 5_000, optimizer="adagrad"), 1e-12),
    "rmsprop": (
        DescentConfig(
            0.01,
            5_000,
            optimizer="rmsprop",
            schedule="exponential",
            schedule_options={"factor": 0.999},
        ),
        1e-7,
    ),
    "adam": (DescentConfig(0.1, 5_000, optimizer="adam"), 1e-12),
    "newton": (DescentConfig(1.0, 5, optimizer="newton"), 1e-12),
    "linesearch": (DescentConfig(1.0, 5_000, optimizer="linesearch"), 1e-12),
}


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_converges_at_its_usual_settings(line, rule):
    config, gap = USUAL[rule]
    run = descend(line, config)
    best = reference_fit(line)
    assert run.status == "max_steps"
    assert run.cost[-1] - best.cost <= gap
    np.testing.assert_allclose(run.final, best.theta, atol=math.sqrt(8 * gap) + 1e-9)


@pytest.mark.parametrize("fixed", [None, {"b": 2.6}], ids=["free", "slope-only"])
@pytest.mark.parametrize("init", [(0.0, 0.0), (-40.0, 75.0)])
def test_newton_lands_on_the_least_squares_fit_in_one_step(line, fixed, init):
    run = descend(line, DescentConfig(1.0, 1, init=init, fixed=fixed, optimizer="newton"))
    best = reference_fit(line, fixed)
    np.testing.assert_allclose(run.params[1], best.theta, rtol=1e-12, atol=1e-12)


def test_newton_on_a_logistic_cost_reaches_its_optimum(line):
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8])
    problem = LogisticRegression(Dataset(x, np.array([0.0, 0, 1, 0, 1, 1, 0, 1])))
    run = descend(problem, DescentConfig(1.0, 20, optimizer="newton"))
    np.testing.assert_allclose(run.final, reference_fit(problem).theta, rtol=1e-9)
    assert run.notes == ()


def test_newton_where_the_curvature_is_flat_takes_a_gradient_step_and_says_so():
    # Every x equal: the Hessian of (m, b) is singular, Newton's step undefined.
    problem = LinearRegression(Dataset([2.0, 2.0, 2.0], [1.0, 2.0, 3.0]))
    config = DescentConfig(0.05, 30, optimizer="newton")
    run = descend(problem, config)
    plain = descend(problem, config.replace(optimizer="gd"))
    np.testing.assert_array_equal(run.params, plain.params)
    assert np.all(np.isfinite(run.params))
    assert "plain gradient step instead at 30 steps (first at step 1)" in run.message
    assert "Newton" in run.notes[0]


def test_the_line_search_says_when_it_gives_up_and_takes_the_last_step(line):
    run = descend(line, DescentConfig(1e30, 1, optimizer="linesearch"))
    assert f"no step that lowered the cost enough after {MAX_SHRINKS} shrinks" in run.message
    assert "took the last step tried" in run.message
    last = 1e30 * 0.5**MAX_SHRINKS
    np.testing.assert_array_equal(run.params[1], run.params[0] - last * run.grad[0])


@pytest.mark.parametrize(
    "problem",
    [
        LinearRegression(article_dataset()),
        LogisticRegression(Dataset(X, np.array([0.0, 0, 1, 0, 1, 1, 0, 1]))),
    ],
    ids=["linear", "logistic"],
)
def test_near_the_optimum_the_line_search_neither_stalls_nor_shrinks(problem):
    # There J changes by rounding alone. Counting a rounding-sized rise as a rise, the
    # search shrank every step ~20 times (20 passes over the data) until the step
    # vanished, and the run stood still short of the optimum.
    best = reference_fit(problem).theta
    descent = Descent(problem, DescentConfig(0.01, 80_000, optimizer="linesearch"))
    descent.advance(79_000)
    shrinks = descent._optimizer.shrinks
    run = descent.run()
    assert descent._optimizer.shrinks == shrinks
    assert run.notes == ()
    np.testing.assert_allclose(run.final, best, rtol=1e-9)


VARIANTS = [
    {"variant": "batch"},
    {"variant": "stochastic"},
    {"variant": "minibatch", "batch_size": 3},
]


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v["variant"])
def test_same_seed_same_trajectory(line, rule, variant):
    config = DescentConfig(0.01, 200, seed=21, optimizer=rule, **variant)
    first, again = descend(line, config), descend(line, config)
    for name in ("params", "cost", "grad"):
        np.testing.assert_array_equal(getattr(first, name), getattr(again, name))
    assert first.status == again.status and first.message == again.message


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v["variant"])
@pytest.mark.parametrize("held", ["m", "b"])
def test_a_fixed_parameter_never_moves(line, rule, variant, held):
    index = "mb".index(held)
    config = DescentConfig(
        0.01, 300, seed=4, init=(0.5, 1.0), fixed={held: 2.6}, optimizer=rule, **variant
    )
    descent = Descent(line, config)
    run = descent.run()
    assert np.all(run.params[:, index] == 2.6)
    assert np.all(run.grad[:, index] == 0.0)
    assert not np.all(run.params[:, 1 - index] == run.params[0, 1 - index])
    for name, pair in descent._optimizer.state.items():
        assert pair[index] == 0.0, name


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v["variant"])
@pytest.mark.parametrize("fixed", [None, {"b": 2.6}], ids=["free", "slope-only"])
def test_a_huge_rate_diverges_and_every_value_stays_finite(line, rule, variant, fixed):
    config = DescentConfig(1e30, 200, seed=2, fixed=fixed, optimizer=rule, **variant)
    run = descend(line, config)
    assert run.status == "diverged"
    assert run.message.startswith(f"diverged at step {run.diverged_at}: ")
    assert "stability limit" in run.message
    for values in (run.params, run.cost, run.grad):
        assert np.all(np.isfinite(values))


def test_logistic_runs_stay_finite_for_every_rule():
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8])
    problem = LogisticRegression(Dataset(x, np.array([0.0, 0, 0, 1, 1, 1, 1, 1])))
    for rule in RULES:
        run = descend(problem, DescentConfig(1e6, 100, optimizer=rule))
        for values in (run.params, run.cost, run.grad):
            assert np.all(np.isfinite(values)), rule


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"optimizer": "lbfgs"}, r"unknown optimizer 'lbfgs'; available: gd, momentum, nest"),
        ({"optimizer": 3}, r"unknown optimizer 3"),
        (
            {"optimizer": "adam", "optimizer_options": {"beta": 0.9}},
            r"optimizer 'adam' has no option 'beta'; its options: beta1, beta2, eps",
        ),
        (
            {"optimizer": "gd", "optimizer_options": {"beta": 0.9}},
            r"optimizer 'gd' has no option 'beta'; its options: none",
        ),
        ({"optimizer": "momentum", "optimizer_options": {"beta": 1.0}}, r"in \[0, 1\), got 1"),
        ({"optimizer": "momentum", "optimizer_options": {"beta": -0.1}}, r"in \[0, 1\)"),
        ({"optimizer": "rmsprop", "optimizer_options": {"rho": math.nan}}, r"in \[0, 1\)"),
        ({"optimizer": "adam", "optimizer_options": {"beta2": 1}}, r"'beta2' \(β₂\) must be"),
        ({"optimizer": "adam", "optimizer_options": {"eps": 0.0}}, r"'eps' \(ε\) must be .* > 0"),
        ({"optimizer": "adagrad", "optimizer_options": {"eps": math.inf}}, r"> 0, got inf"),
        ({"optimizer": "linesearch", "optimizer_options": {"shrink": 1.0}}, r"in \(0, 1\)"),
        ({"optimizer": "linesearch", "optimizer_options": {"c": 0}}, r"in \(0, 1\)"),
        ({"optimizer": "momentum", "optimizer_options": {"beta": True}}, r"got True"),
        ({"optimizer": "momentum", "optimizer_options": {"beta": "0.9"}}, r"got '0.9'"),
        ({"optimizer": "momentum", "optimizer_options": [("beta", 0.9)]}, r"must be a mapping"),
    ],
)
def test_bad_optimizer_settings_are_refused_with_a_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DescentConfig(0.01, 10, **kwargs)


def test_options_are_stored_hashable_and_comparable():
    one = DescentConfig(
        0.01, 10, fixed={"b": 2.6}, optimizer="adam", optimizer_options={"eps": 1e-6, "beta1": 0.8}
    )
    two = DescentConfig(
        0.01, 10, fixed={"b": 2.6}, optimizer="adam", optimizer_options={"beta1": 0.8, "eps": 1e-6}
    )
    assert one == two and hash(one) == hash(two)
    assert one.optimizer_options == {"beta1": 0.8, "eps": 1e-6}
    assert one.optimizer_options["beta1"] == 0.8 and list(one.optimizer_options) == [
        "beta1",
        "eps",
    ]
    assert one.optimizer_settings == {"beta1": 0.8, "beta2": 0.999, "eps": 1e-6}
    assert one.fixed == {"b": 2.6}
    assert pickle.loads(pickle.dumps(one)) == one
    plain = DescentConfig(0.01, 10)
    assert plain.optimizer_options == {} and plain == DescentConfig(0.01, 10, optimizer_options={})
    assert plain.replace(optimizer="adam").optimizer_settings["beta2"] == 0.999
    with pytest.raises(TypeError):
        one.optimizer_options["eps"] = 1.0  # type: ignore[index]


def test_the_table_of_rules_names_labels_and_defaults():
    assert list(OPTIMIZERS) == RULES
    assert OPTIMIZERS["adam"].options == {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert OPTIMIZERS["adam"].label == "Adam"
    assert OPTIMIZERS["momentum"].options == {"beta": 0.9}
    assert OPTIMIZERS["nesterov"].options == {"beta": 0.9}
    assert OPTIMIZERS["adagrad"].options == {"eps": 1e-10}
    assert OPTIMIZERS["rmsprop"].options == {"rho": 0.99, "eps": 1e-8}
    assert OPTIMIZERS["linesearch"].options == {"shrink": 0.5, "c": 1e-4}
    assert OPTIMIZERS["gd"].options == {} and OPTIMIZERS["newton"].options == {}
    for rule in OPTIMIZERS.values():
        assert rule.label and rule.description
        for spec in rule.specs:
            assert spec.check(spec.default, rule.name) == spec.default


def test_a_data_edit_mid_run_reaches_the_rules_that_use_the_cost(line):
    descent = Descent(line, DescentConfig(1.0, 4, optimizer="newton"))
    descent.advance(1)
    moved = LinearRegression(article_dataset().moved(0, 1.0, 9.0))
    descent.set_problem(moved)
    descent.advance(1)
    np.testing.assert_allclose(descent.point, reference_fit(moved).theta, rtol=1e-12)
