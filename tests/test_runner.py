"""The runner loop on its own (a thread stands in for the process): pacing and acks."""

import multiprocessing
import threading

import numpy as np
import pytest

from gd_explorer.engine import DescentConfig, LinearRegression, article_dataset, descend
from gd_explorer.messages import (
    Ack,
    Failed,
    Frame,
    Grids,
    MakeGrids,
    Probe,
    Probed,
    RunSpec,
    SetSpeed,
    StartRace,
    Stop,
)
from gd_explorer.runner import serve


def race(generation, problem, *configs, paused=False):
    """A race of ``configs`` numbered 1, 2, …"""
    runs = tuple(RunSpec(i, c) for i, c in enumerate(configs, start=1))
    return StartRace(generation, problem, runs, paused)


@pytest.fixture
def runner():
    commands_out, commands_in = multiprocessing.Pipe(duplex=False)
    frames_out, frames_in = multiprocessing.Pipe(duplex=False)
    thread = threading.Thread(target=serve, args=(commands_out, frames_in), daemon=True)
    thread.start()

    def receive(timeout=10.0):
        assert frames_out.poll(timeout), "the runner sent nothing"
        return frames_out.recv()

    yield commands_in.send, receive
    commands_in.send(Stop())
    thread.join(10)
    assert not thread.is_alive()


def test_a_run_that_ends_before_the_ack_still_sends_its_last_frame(runner):
    send, receive = runner
    problem = LinearRegression(article_dataset())
    config = DescentConfig(0.01, 40)  # over within one tick, long before the ack below
    send(SetSpeed(0.0))
    send(race(1, problem, config))
    frames = [receive()]
    assert isinstance(frames[0], Frame) and frames[0].first == 0  # the start point, at once
    while not frames[-1].done:  # however the steps were split, the end must come
        send(Ack())
        frames.append(receive())
    last = frames[-1]
    assert isinstance(last, Frame) and last.status == "max_steps" and last.steps == 40
    expected = descend(problem, config)
    np.testing.assert_array_equal(np.vstack([f.params for f in frames]), expected.params)


def test_no_frame_is_sent_until_the_last_one_was_drawn(runner):
    send, receive = runner
    send(SetSpeed(0.0))
    send(race(1, LinearRegression(article_dataset()), DescentConfig(1e-7, 10**7)))
    assert isinstance(receive(), Frame)
    send(Probe())
    probed = receive()
    # Only a probe answer came: without an ack, no second frame was sent.
    assert isinstance(probed, Probed) and probed.steps > 0


def test_a_probe_without_a_run_reports_minus_one(runner):
    send, receive = runner
    send(Probe())
    assert receive() == Probed(-1)


def test_grids_are_computed_on_request(runner):
    send, receive = runner
    problem = LinearRegression(article_dataset())
    m_values, b_values = np.linspace(0, 2, 5), np.linspace(1, 4, 3)
    send(MakeGrids(7, problem, [(m_values, b_values)]))
    answer = receive()
    tag, costs = answer.tag, answer.costs
    assert isinstance(answer, Grids) and tag == 7
    from gd_explorer.engine import cost_grid

    np.testing.assert_array_equal(costs[0], cost_grid(problem, m_values, b_values))


def test_maps_are_made_aside_and_only_the_newest_waiting_request_is_kept(runner, monkeypatch):
    import gd_explorer.runner as runner_module

    entered, release = threading.Event(), threading.Event()

    def slow_grid(problem, m_values, b_values):
        if not entered.is_set():  # the first map takes as long as the test says
            entered.set()
            assert release.wait(10)
        return np.full((len(m_values), len(b_values)), float(len(m_values)))

    monkeypatch.setattr(runner_module, "cost_grid", slow_grid)
    send, receive = runner
    problem = LinearRegression(article_dataset())
    axes = {tag: [(np.zeros(tag), np.zeros(2))] for tag in (1, 2, 3)}
    send(MakeGrids(1, problem, axes[1]))
    assert entered.wait(10)
    send(MakeGrids(2, problem, axes[2]))
    send(MakeGrids(3, problem, axes[3]))  # replaces 2, which has not started
    send(Probe())
    assert receive() == Probed(-1)  # commands are answered while a map is made
    release.set()
    answers = [receive(), receive()]
    assert [(a.tag, a.costs[0][0, 0]) for a in answers] == [(1, 1.0), (3, 3.0)]
    send(Probe())
    assert receive() == Probed(-1)  # and map 2 never came


def test_a_map_that_fails_is_answered_with_none(runner, monkeypatch):
    import gd_explorer.runner as runner_module

    def failing_grid(problem, m_values, b_values):
        raise ValueError("no map")

    monkeypatch.setattr(runner_module, "cost_grid", failing_grid)
    send, receive = runner
    send(MakeGrids(4, LinearRegression(article_dataset()), [(np.zeros(2), np.zeros(2))]))
    assert receive() == Grids(4, None)


def test_a_command_that_raises_ends_the_run_as_failed_and_the_runner_carries_on(runner):
    send, receive = runner
    problem = LinearRegression(article_dataset())
    send(SetSpeed(10.0))
    send(race(3, problem, DescentConfig(1e-6, 10**6)))
    assert isinstance(receive(), Frame)
    send(SetSpeed("fast"))  # float("fast") raises inside the command
    message = receive()
    while isinstance(message, Frame):
        message = receive()
    assert isinstance(message, Failed) and message.generation == 3
    assert message.run_id is None  # a command: the whole race
    assert "ValueError" in message.reason and "fast" in message.reason
    send(Probe())
    assert receive() == Probed(-1)  # the failed race was dropped
    send(SetSpeed(0.0))
    send(race(4, problem, DescentConfig(0.01, 40)))
    frames = [receive()]
    while not frames[-1].done:
        send(Ack())
        frames.append(receive())
    assert frames[-1].generation == 4 and frames[-1].status == "max_steps"  # the next works


def test_an_exception_while_stepping_keeps_the_steps_taken_and_names_the_reason(
    runner, monkeypatch
):
    from gd_explorer.engine import Descent

    original = Descent.advance

    def advance(self, max_steps):
        if self.step >= 5:
            raise OverflowError("planted overflow")
        return original(self, min(max_steps, 5 - self.step))

    monkeypatch.setattr(Descent, "advance", advance)
    send, receive = runner
    send(race(9, LinearRegression(article_dataset()), DescentConfig(0.01, 100)))
    messages = [receive()]
    while isinstance(messages[-1], Frame):
        send(Ack())
        messages.append(receive())
    failed = messages[-1]
    assert isinstance(failed, Failed) and (failed.generation, failed.run_id) == (9, 1)
    assert "OverflowError" in failed.reason and "planted overflow" in failed.reason
    # Every step taken before the failure reached the window.
    assert isinstance(messages[-2], Frame) and messages[-2].steps == 5
    assert sum(len(m.cost) for m in messages[:-1]) == 6


# The pacer on its own, without a pipe's other end: races.


class Sent:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)

    def frames(self):
        return [m for m in self.sent if isinstance(m, Frame)]


@pytest.fixture
def pacer():
    from gd_explorer.runner import Pacer

    pipe = Sent()
    pacer = Pacer(pipe)
    yield pacer, pipe
    pacer.close()


def test_at_a_set_speed_every_run_takes_the_same_steps(pacer):
    import time

    pacer, pipe = pacer
    problem = LinearRegression(article_dataset())
    configs = [DescentConfig(r, 10**6) for r in (1e-5, 2e-5, 3e-5)]
    pacer.set_speed(SetSpeed(100.0))
    pacer.start_race(race(1, problem, *configs))
    pacer._clock -= 0.25  # a quarter of a second owed: 25 steps at least
    pacer._advance(time.perf_counter())
    steps = [lane.descent.step for lane in pacer.lanes.values()]
    assert len(set(steps)) == 1 and steps[0] >= 25


def test_a_run_that_overran_its_share_sits_out_and_the_others_go_on(pacer):
    import time

    pacer, pipe = pacer
    problem = LinearRegression(article_dataset())
    pacer.set_speed(SetSpeed(0.0))
    pacer.start_race(race(1, problem, DescentConfig(1e-6, 10**6), DescentConfig(2e-6, 10**6)))
    slow, fast = pacer.lanes.values()
    slow.debt = 1.0  # as if its last step had taken a second
    pacer._advance(time.perf_counter())
    assert slow.descent.step == 0 and fast.descent.step > 0
    assert slow.debt < 1.0  # paid back a share of the tick


def test_one_step_moves_every_live_run_by_one_and_a_frame_carries_them_all(pacer):
    pacer, pipe = pacer
    problem = LinearRegression(article_dataset())
    pacer.start_race(
        race(2, problem, DescentConfig(0.01, 2), DescentConfig(0.01, 10), paused=True)
    )
    assert [r.first for r in pipe.frames()[-1].runs] == [0, 0]
    for _ in range(3):
        pacer.ack()
        pacer.step()
    runs = [r for f in pipe.frames() for r in f.runs]
    assert [r.steps for r in runs if r.run_id == 1] == [0, 1, 2]  # it ended at 2
    assert [r.steps for r in runs if r.run_id == 2] == [0, 1, 2, 3]
    assert not any(f.done for f in pipe.frames())  # run 2 is still going


def test_the_last_frame_says_the_race_is_done(pacer):
    pacer, pipe = pacer
    problem = LinearRegression(article_dataset())
    pacer.start_race(race(3, problem, DescentConfig(0.01, 1), DescentConfig(0.01, 2), paused=True))
    pacer.ack()
    pacer.step()
    assert not pipe.frames()[-1].done
    pacer.ack()
    pacer.step()
    last = pipe.frames()[-1]
    assert last.done and [r.run_id for r in last.runs] == [2] and not pacer.lanes


def test_runs_join_leave_and_are_replaced_in_their_place(pacer):
    from gd_explorer.messages import AddRun, RemoveRun, ReplaceRun

    pacer, pipe = pacer
    problem = LinearRegression(article_dataset())
    pacer.start_race(
        race(4, problem, DescentConfig(0.01, 50), DescentConfig(0.01, 50), paused=True)
    )
    pacer.add_run(AddRun(4, problem, RunSpec(3, DescentConfig(0.02, 50, init=(1.0, 1.0))), True))
    pacer.replace_run(ReplaceRun(4, problem, RunSpec(1, DescentConfig(0.03, 50), version=1), True))
    pacer.remove_run(RemoveRun(4, 2))
    assert list(pacer.lanes) == [1, 3]
    assert pacer.lanes[1].version == 1 and pacer.lanes[1].descent.config.learning_rate == 0.03
    pacer.ack()
    pacer.step()
    frame = pipe.frames()[-1]
    assert [(r.run_id, r.version, r.first) for r in frame.runs] == [(1, 1, 0), (3, 0, 0)]
    assert frame.runs[1].params[0].tolist() == [1.0, 1.0]
    # A command of an older race leaves this one alone.
    pacer.remove_run(RemoveRun(3, 1))
    assert list(pacer.lanes) == [1, 3]


def test_one_run_that_raises_ends_alone(pacer):
    from tests.faults import BreaksPastSlope

    pacer, pipe = pacer
    broken = BreaksPastSlope(article_dataset())
    steady = DescentConfig(1e-3, 100, fixed={"m": 0.0})
    pacer.start_race(race(5, broken, DescentConfig(1e-3, 100), steady, paused=True))
    for _ in range(20):
        pacer.ack()
        pacer.step()
    failed = [m for m in pipe.sent if isinstance(m, Failed)]
    assert [(f.generation, f.run_id) for f in failed] == [(5, 1)]
    assert "planted fault" in failed[0].reason
    assert list(pacer.lanes) == [2] and pacer.lanes[2].descent.step == 20
    # The steps the broken run took before it raised reached the window.
    steps = [r.steps for f in pipe.frames() for r in f.runs if r.run_id == 1]
    assert steps == list(range(len(steps))) and steps[-1] > 0
