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
