"""What every update rule promises in every variant: repeatable, held still, finite."""

import numpy as np
import pytest

from gd_explorer.engine import (
    ARTICLE_CLASSES,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
)
from gd_explorer.engine.optimizers import OPTIMIZERS
from gd_explorer.engine.schedules import SCHEDULES

RULES = sorted(OPTIMIZERS)
VARIANTS = ("batch", "stochastic", "minibatch")
#: A learning rate no cost here survives: every rule must say it diverged.
ABSURD_RATE = 1e30


@pytest.fixture(scope="module")
def problems():
    return {
        "linear": LinearRegression(article_dataset()),
        "logistic": LogisticRegression(article_dataset(ARTICLE_CLASSES)),
    }


def _config(rule, variant, **changes):
    values = {
        "learning_rate": 0.01,
        "steps": 120,
        "variant": variant,
        "batch_size": 3,
        "seed": 7,
        "init": (0.5, 0.5),
        "optimizer": rule,
    }
    values.update(changes)
    return DescentConfig(**values)


@pytest.mark.parametrize("model", ["linear", "logistic"])
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("rule", RULES)
def test_the_same_seed_gives_bit_identical_runs(problems, model, variant, rule):
    problem = problems[model]
    config = _config(rule, variant)
    first, second = descend(problem, config), descend(problem, config)
    assert first.params.tobytes() == second.params.tobytes()
    assert first.cost.tobytes() == second.cost.tobytes()
    assert first.grad.tobytes() == second.grad.tobytes()
    assert (first.status, first.message) == (second.status, second.message)


@pytest.mark.parametrize("schedule", sorted(SCHEDULES))
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("rule", RULES)
def test_a_held_intercept_never_moves(problems, rule, variant, schedule):
    held = 2.6
    for problem in problems.values():
        config = _config(rule, variant, schedule=schedule, fixed={"b": held}, init=(0.3, 9.0))
        run = descend(problem, config)
        assert run.steps > 0
        assert np.all(run.params[:, 1] == held), (rule, variant, schedule, problem.kind)
        assert np.all(run.grad[:, 1] == 0.0)


@pytest.mark.parametrize("model", ["linear", "logistic"])
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("rule", RULES)
def test_an_absurd_learning_rate_diverges_and_stays_finite(problems, model, variant, rule):
    run = descend(problems[model], _config(rule, variant, learning_rate=ABSURD_RATE, steps=200))
    assert run.status == "diverged", run.message
    assert run.message.startswith("diverged at step")
    assert np.all(np.isfinite(run.params))
    assert np.all(np.isfinite(run.cost))
    assert np.all(np.isfinite(run.grad))


def test_a_batch_run_is_never_said_to_diverge_for_the_rows_it_sampled(problems):
    # A cosine schedule whose smallest rate is above the base rate raises the rate
    # past the stability limit although the base rate is below it.
    line = problems["linear"]
    config = DescentConfig(
        0.01, 300, schedule="cosine", schedule_options={"min_rate": 0.2}, init=(0.0, 0.0)
    )
    run = descend(line, config)
    assert run.status == "diverged"
    assert "sampled" not in run.message
    assert "schedule" in run.message and "0.052" in run.message
