"""Frames say which costs are exact; the window holds a run at the engine's limits."""

import numpy as np
import pytest

from gd_explorer.engine import Dataset, DescentConfig, LogisticRegression
from gd_explorer.engine.descent import MAX_STEPS
from gd_explorer.messages import RunSpec, StartRace
from gd_explorer.runner import Pacer
from gd_explorer.worker import RunRecord


class Pipe:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)


@pytest.fixture
def pacer():
    pipe = Pipe()
    pacer = Pacer(pipe)
    yield pacer, pipe
    pacer.close()


def test_each_frame_ends_on_an_exact_cost(pacer):
    pacer, pipe = pacer
    rng = np.random.default_rng(1)
    x = rng.normal(size=50_000)
    problem = LogisticRegression(Dataset(x, (x + rng.normal(size=x.size) > 0).astype(float)))
    config = DescentConfig(0.5, 5000, "stochastic", seed=9)
    pacer.start_race(StartRace(1, problem, (RunSpec(1, config),), paused=True))
    pacer.lanes[1].descent.advance(700)
    pacer._send()
    frames = [message.runs[0] for message in pipe.sent]
    assert [f.first for f in frames] == [0, 1]
    last = frames[-1]
    assert last.cost_exact.shape == last.cost.shape
    assert last.cost_exact[-1] and not last.cost_exact[:-1].any()
    assert last.cost[-1] == pytest.approx(problem.cost(last.params[-1]), rel=1e-12)
    record = RunRecord(config)
    for frame in frames:
        record.add(frame)
    trajectory = record.trajectory()
    np.testing.assert_array_equal(trajectory.cost_exact, np.r_[True, last.cost_exact])
    np.testing.assert_array_equal(record.exact_view(), trajectory.cost_exact)


def test_a_run_at_the_step_limit_fits_in_half_a_gigabyte():
    # What the window preallocates for one run at the limit.
    record = RunRecord(DescentConfig(0.01, MAX_STEPS))
    arrays = [record.params, record.cost, record.grad, record.cost_exact]
    assert sum(a.nbytes for a in arrays) < 0.5e9


def test_the_window_offers_exactly_the_engines_step_range():
    from gd_explorer import settings

    assert settings.MAX_STEPS == MAX_STEPS
