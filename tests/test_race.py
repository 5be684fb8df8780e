"""Races: up to four runs stepped together by one engine process, and the sweep beside them."""

import os
import signal

import numpy as np
import pytest

from gd_explorer.engine import (
    Dataset,
    DescentConfig,
    LinearRegression,
    LogisticRegression,
    article_dataset,
    descend,
)
from gd_explorer.engine.optimizers import OPTIMIZERS
from gd_explorer.worker import DescentController

pytestmark = pytest.mark.filterwarnings("error")

TIMEOUT = 30_000


@pytest.fixture
def controller(qtbot):
    handle = DescentController()
    yield handle
    handle.shutdown()  # runs even when the test failed


@pytest.fixture
def line():
    return LinearRegression(article_dataset())


def wait_all_done(qtbot, controller, timeout=TIMEOUT):
    qtbot.waitUntil(lambda: not controller.live, timeout=timeout)


def assert_same(a, b):
    np.testing.assert_array_equal(a.params, b.params)
    np.testing.assert_array_equal(a.cost, b.cost)
    np.testing.assert_array_equal(a.grad, b.grad)
    assert a.status == b.status and a.message == b.message


def assert_prefix(run, problem):
    """The steps recorded so far are those ``descend`` takes for the run's config."""
    expected = descend(problem, run.config)
    np.testing.assert_array_equal(run.params, expected.params[: run.steps + 1])


def four_rules():
    """Four update rules of the engine (plain descent where fewer are known)."""
    rules = [rule for rule in ("gd", "momentum", "adam", "nesterov") if rule in OPTIMIZERS]
    return (rules * 4)[:4]


def test_a_four_run_race_gives_each_run_the_trajectory_of_descend(qtbot, controller, line):
    rules = four_rules()
    variants = ["batch", "stochastic", "minibatch", "batch"]
    configs = [
        DescentConfig(rate, 1500, variant=variant, batch_size=3, optimizer=rule)
        for rate, variant, rule in zip([0.01, 0.005, 0.02, 0.001], variants, rules, strict=True)
    ]
    frames = []
    controller.frame.connect(frames.append)
    controller.start(line, configs)
    wait_all_done(qtbot, controller)
    records = controller.records
    assert [r.config.learning_rate for r in records] == [0.01, 0.005, 0.02, 0.001]
    assert len({r.run_id for r in records}) == 4
    # Same seed by default: the race is fair.
    assert {r.seed for r in records} == {controller.seed} and controller.seed != 0
    for record in records:
        assert record.config.seed == record.seed
        assert_same(record.trajectory(), descend(line, record.config))
    assert frames[-1].done and not any(f.done for f in frames[:-1])
    # Frames tile each run: every run's pieces follow on without gaps.
    for record in records:
        pieces = [run for f in frames for run in f.runs if run.run_id == record.run_id]
        assert pieces[0].first == 0
        for before, after in zip(pieces, pieces[1:], strict=False):
            assert after.first == before.first + len(before.cost)


def test_a_race_takes_one_to_four_runs(controller, line):
    with pytest.raises(ValueError, match="1 to 4 runs"):
        controller.start(line, [])
    with pytest.raises(ValueError, match="1 to 4 runs"):
        controller.start(line, [DescentConfig(0.01, 10)] * 5)
    assert controller.records == [] and controller.generation == 0


def test_lockstep_at_a_set_speed(qtbot, controller, line):
    controller.set_speed(400)
    configs = [DescentConfig(rate, 10**6) for rate in (1e-5, 2e-5, 3e-5)]
    counts = []

    def check(frame):
        counts.append([r.steps for r in controller.records])

    controller.frame.connect(check)
    controller.start(line, configs)
    qtbot.waitUntil(lambda: len(counts) >= 8 and counts[-1][0] >= 40, timeout=TIMEOUT)
    controller.pause()
    assert all(len(set(steps)) == 1 for steps in counts), counts
    assert counts[-1][0] > counts[0][0]
    # One step (→) moves every run by one.
    with qtbot.waitSignal(controller.probed, timeout=TIMEOUT) as probed:
        controller.probe()  # after the pause: the engine's count, which stays
    before = probed.args[0]
    qtbot.waitUntil(lambda: [r.steps for r in controller.records] == [before] * 3, timeout=TIMEOUT)
    with qtbot.waitSignal(controller.frame, timeout=TIMEOUT) as got:
        controller.step()
    assert {run.steps for run in got.args[0].runs} == {before + 1}
    assert len(got.args[0].runs) == 3
    assert [r.steps for r in controller.records] == [before + 1] * 3
    for record in controller.records:
        assert_prefix(record.trajectory(), line)


def test_a_slow_run_does_not_hold_up_a_fast_one(qtbot, controller):
    # Batch logistic descent on a million rows: milliseconds a step; stochastic
    # descent on the same rows: one row, microseconds a step.
    rng = np.random.default_rng(3)
    x = rng.normal(size=10**6)
    big = LogisticRegression(Dataset(x, (x + rng.normal(size=x.size) > 0).astype(float)))
    seen = []
    controller.frame.connect(lambda f: seen.append({r.run_id: r.steps for r in f.runs}))
    controller.set_speed(0)
    controller.start(
        big, [DescentConfig(0.1, 10**6), DescentConfig(1e-3, 10**7, variant="stochastic")]
    )
    slow, fast = controller.records
    qtbot.waitUntil(lambda: len(seen) >= 12 and slow.steps >= 1, timeout=60_000)
    controller.pause()
    assert slow.live and fast.live
    # The fast run moves in every frame and far more than the slow one.
    assert fast.steps > 20 * slow.steps, (fast.steps, slow.steps)
    assert sum(fast.run_id in frame for frame in seen) >= len(seen) - 1


def test_runs_join_leave_and_start_again_mid_race(qtbot, controller, line):
    controller.set_speed(300)
    first = DescentConfig(1e-5, 10**6, seed=1)
    controller.start(line, [first, DescentConfig(2e-5, 10**6, seed=2)])
    one, two = controller.records
    qtbot.waitUntil(lambda: one.steps >= 10, timeout=TIMEOUT)
    # Join: a run from a point of the first run's path (a branch).
    branch_from = tuple(float(v) for v in one.view()[0][5])
    joined = controller.add_run(DescentConfig(0.01, 300, init=branch_from))
    three = controller.records[2]
    assert three.run_id == joined and three.seed == controller.seed
    # Leave.
    controller.remove_run(two.run_id)
    assert [r.run_id for r in controller.records] == [one.run_id, joined]
    # Start again with new settings, in the same place of the race.
    controller.replace_run(one.run_id, DescentConfig(0.02, 200, seed=5))
    again = controller.records[0]
    assert again.run_id == one.run_id and again is not one and again.steps == 0
    controller.set_speed(0)
    wait_all_done(qtbot, controller)
    assert [r.run_id for r in controller.records] == [one.run_id, joined]
    assert_same(again.trajectory(), descend(line, DescentConfig(0.02, 200, seed=5)))
    assert_same(three.trajectory(), descend(line, three.config))
    assert three.trajectory().params[0].tolist() == list(branch_from)
    # Nothing of the run that left, or of the settings replaced, reached the records.
    assert two not in controller.records
    with pytest.raises(KeyError):
        controller.remove_run(two.run_id)


def test_a_run_added_when_there_is_no_race_starts_one(qtbot, controller, line):
    controller.start(line, DescentConfig(0.01, 50))
    wait_all_done(qtbot, controller)
    controller.discard()
    generation = controller.generation
    run_id = controller.add_run(DescentConfig(0.01, 80, seed=4))
    assert controller.generation == generation + 1
    assert [r.run_id for r in controller.records] == [run_id]
    wait_all_done(qtbot, controller)
    assert_same(controller.trajectory(), descend(line, DescentConfig(0.01, 80, seed=4)))


def test_a_run_added_to_a_finished_race_runs_beside_the_others(qtbot, controller, line):
    controller.start(line, DescentConfig(0.01, 50))
    wait_all_done(qtbot, controller)
    original = controller.records[0]
    controller.add_run(DescentConfig(0.02, 60, init=(1.0, 1.0)))
    assert controller.running and controller.live
    wait_all_done(qtbot, controller)
    assert controller.records[0] is original and original.steps == 50
    assert_same(controller.records[1].trajectory(), descend(line, controller.records[1].config))


def test_one_run_that_fails_ends_alone(qtbot, controller, line):
    from tests.faults import BREAKING_SLOPE, BreaksPastSlope

    broken = BreaksPastSlope(line.data)
    # Slowly enough that steps reach the window before the fault (the chunk of steps
    # in which the engine raises is lost with it).
    controller.set_speed(200)
    failures = []
    controller.runFailed.connect(lambda run_id, reason: failures.append(run_id))
    steady = DescentConfig(1e-6, 10**6, fixed={"m": 0.0})  # never passes the slope
    with qtbot.waitSignal(controller.failed, timeout=TIMEOUT) as failed:
        controller.start(broken, [DescentConfig(1e-4, 10**5), steady])
    assert "planted fault" in failed.args[0]
    breaking, going = controller.records
    assert failures == [breaking.run_id]
    assert breaking.status == "failed" and breaking.message == failed.args[0]
    assert breaking.steps > 0 and breaking.view()[0][-1, 0] <= BREAKING_SLOPE
    assert going.live and controller.live and controller.running
    steps = going.steps
    qtbot.waitUntil(lambda: going.steps > steps + 10, timeout=TIMEOUT)
    assert breaking.status == "failed"
    assert_prefix(going.trajectory(), line)
    assert_prefix(breaking.trajectory(), line)


def test_a_run_that_cannot_start_fails_and_the_others_run(qtbot, controller, line):
    messages = []
    controller.failed.connect(messages.append)
    bad = DescentConfig(0.01, 100, seed=1)
    object.__setattr__(bad, "optimizer", "no such rule")  # planted: passes the window
    good = DescentConfig(0.01, 100)
    controller.start(line, [bad, good])
    wait_all_done(qtbot, controller)
    assert controller.records[0].status == "failed" and "no such rule" in messages[0]
    assert_same(controller.records[1].trajectory(), descend(line, controller.records[1].config))


def test_frames_of_an_older_race_are_dropped(qtbot, controller, line):
    controller.start(line, [DescentConfig(1e-6, 10**7), DescentConfig(2e-6, 10**7)])
    qtbot.waitUntil(lambda: controller.records[1].steps > 0, timeout=TIMEOUT)
    configs = [DescentConfig(0.02, 300, variant="stochastic"), DescentConfig(0.01, 200)]
    generation = controller.start(line, configs)
    seen = []
    controller.frame.connect(lambda f: seen.append(f.generation))
    wait_all_done(qtbot, controller)
    assert set(seen) == {generation}
    for record in controller.records:
        assert_same(record.trajectory(), descend(line, record.config))


def test_an_engine_killed_mid_race_fails_every_live_run_and_keeps_the_records(
    qtbot, controller, line
):
    controller.set_speed(500)
    configs = [DescentConfig(1e-6, 10**6), DescentConfig(0.01, 5), DescentConfig(2e-6, 10**6)]
    controller.start(line, configs)
    qtbot.waitUntil(lambda: controller.records[0].steps >= 20, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: controller.records[1].status == "max_steps", timeout=TIMEOUT)
    killed = controller.process
    failures = []
    controller.runFailed.connect(lambda run_id, reason: failures.append(run_id))
    with qtbot.waitSignal(controller.failed, timeout=TIMEOUT) as failed:
        os.kill(killed.pid, signal.SIGKILL)
    reason = failed.args[0]
    assert "stopped unexpectedly" in reason and "signal 9" in reason and "2 runs" in reason
    first, finished, third = controller.records
    assert failures == [first.run_id, third.run_id]
    assert first.status == third.status == "failed" and "stopped at step" in first.message
    assert finished.status == "max_steps"  # a run that had ended keeps its end
    assert first.steps >= 20
    assert not controller.live and not controller.running
    assert controller.process is not killed and controller.process.is_alive()
    controller.set_speed(0)
    controller.start(line, [DescentConfig(0.01, 100), DescentConfig(0.02, 100)])
    wait_all_done(qtbot, controller)
    for record in controller.records:
        assert_same(record.trajectory(), descend(line, record.config))


def test_a_sweep_reports_progress_and_equals_descend(qtbot, controller, line):
    rates = [0.001, 0.01, 0.03, 0.05]
    config = DescentConfig(0.01, 200, seed=3)
    progress = []
    controller.sweepProgress.connect(lambda tag, done, total: progress.append((tag, done, total)))
    with qtbot.waitSignal(controller.sweepDone, timeout=TIMEOUT) as got:
        tag = controller.sweep(line, config, rates)
    assert got.args[0] == tag
    result = got.args[1]
    assert result.complete
    assert [p[1:] for p in progress] == [(k, 4) for k in range(1, 5)]
    assert {p[0] for p in progress} == {tag}
    np.testing.assert_array_equal(result.rates, rates)
    for rate, cost, status in zip(rates, result.final_cost, result.status, strict=True):
        run = descend(line, config.replace(learning_rate=rate))
        assert cost == run.cost[-1] and status == run.status


def test_a_cancelled_sweep_sends_what_it_has(qtbot, controller, line):
    rates = np.geomspace(1e-4, 0.05, 40)
    config = DescentConfig(0.01, 20_000, seed=2)
    controller.sweepProgress.connect(lambda tag, done, total: controller.cancel_sweep())
    with qtbot.waitSignal(controller.sweepDone, timeout=60_000) as got:
        controller.sweep(line, config, rates)
    result = got.args[1]
    assert result is not None and not result.complete
    done = len(result.final_cost)
    assert 1 <= done < len(rates)
    for rate, cost in zip(result.rates[:done], result.final_cost[:done], strict=True):
        assert cost == descend(line, config.replace(learning_rate=rate)).cost[-1]


def test_a_sweep_that_fails_answers_none(qtbot, controller, line):
    with qtbot.waitSignal(controller.sweepDone, timeout=TIMEOUT) as got:
        controller.sweep(line, DescentConfig(0.01, 10, variant="batch"), [-1.0])
    assert got.args[1] is None


def test_a_sweep_does_not_stop_the_race(qtbot, controller, line):
    controller.set_speed(0)
    controller.start(line, [DescentConfig(1e-7, 10**7), DescentConfig(2e-7, 10**7)])
    qtbot.waitUntil(lambda: controller.records[0].steps > 0, timeout=TIMEOUT)
    frames = []
    controller.frame.connect(frames.append)
    progress = []
    controller.sweepProgress.connect(lambda tag, done, total: progress.append(len(frames)))
    before = [r.steps for r in controller.records]
    with qtbot.waitSignal(controller.sweepDone, timeout=60_000):
        controller.sweep(line, DescentConfig(0.01, 20_000, seed=1), np.geomspace(1e-4, 0.05, 8))
    assert len(progress) == 8
    # Frames came all along, both runs moving.
    assert progress[-1] > progress[0] >= 0 and len(frames) >= 3
    after = [r.steps for r in controller.records]
    assert after[0] > before[0] and after[1] > before[1]
    assert controller.live and controller.running


def test_a_sweep_under_way_when_the_engine_dies_is_answered_none(qtbot, controller, line):
    progress = []
    controller.sweepProgress.connect(lambda tag, done, total: progress.append(done))
    config = DescentConfig(1e-4, 10**6, seed=1)
    tag = controller.sweep(line, config, np.geomspace(1e-5, 1e-4, 50))
    qtbot.waitUntil(lambda: len(progress) >= 1, timeout=60_000)
    with qtbot.waitSignal(controller.sweepDone, timeout=TIMEOUT) as got:
        os.kill(controller.process.pid, signal.SIGKILL)
    assert got.args == [tag, None]
    qtbot.waitUntil(lambda: controller.process.is_alive(), timeout=TIMEOUT)


def test_shutdown_mid_race_and_mid_sweep_stops_quietly(qtbot, line, qtlog):
    controller = DescentController()
    controller.start(line, [DescentConfig(1e-6, 10**7), DescentConfig(2e-6, 10**7)])
    controller.sweep(line, DescentConfig(1e-4, 10**6, seed=1), np.geomspace(1e-5, 1e-4, 50))
    qtbot.waitUntil(lambda: controller.records[1].steps > 1000, timeout=TIMEOUT)
    process = controller.process
    controller.shutdown()
    assert not controller._thread.isRunning() and not process.is_alive()
    assert process.exitcode == 0  # it said goodbye, not killed
    controller.shutdown()  # twice is harmless
    assert not [m for m in qtlog.records if "QThread" in m.message]
