"""Session files and trajectory CSV, without Qt: exact round trips and every refusal."""

import errno
import json
import os

import numpy as np
import pytest

from gd_explorer import files
from gd_explorer.engine import Dataset, DescentConfig, LinearRegression, atomic, descend
from gd_explorer.files import (
    TRAJECTORY_HEADER,
    SessionError,
    load_session,
    save_session,
    write_trajectory_csv,
)

SETTINGS = {"model": "linear", "learning_rate": 0.01, "steps": 4000, "hold_intercept": False}
AWKWARD = [0.1, 1 / 3, -2.5e-300, 1e100, 123456789.123456789, 5e-324]


def _document(**changes):
    document = {
        "format": "gd-explorer session",
        "version": 1,
        "dataset": {"name": "d", "x": [1.0, 2.0, 3.0], "y": [2.0, 4.0, 5.0]},
        "model": "linear",
        "settings": dict(SETTINGS),
        "lesson": None,
    }
    document.update(changes)
    return document


def _write(tmp_path, document_or_text):
    path = tmp_path / "session.json"
    text = document_or_text
    if not isinstance(text, str):
        text = json.dumps(document_or_text)
    path.write_text(text, encoding="utf-8")
    return path


def test_session_round_trips_floats_exactly(tmp_path):
    data = Dataset(AWKWARD, AWKWARD[::-1], name="awkward ü")
    path = tmp_path / "s.json"
    save_session(path, data, SETTINGS, "overshoot")
    session = load_session(path)
    assert session.dataset == data
    assert session.dataset.x.tobytes() == data.x.tobytes()
    assert session.settings == SETTINGS
    assert session.lesson == "overshoot"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "gd-explorer session"
    assert document["version"] == 1
    assert document["model"] == "linear"
    assert not list(tmp_path.glob("*.tmp"))


def test_unknown_extra_keys_are_ignored(tmp_path):
    document = _document(extra={"anything": [1, 2]})
    document["dataset"]["colour"] = "red"
    session = load_session(_write(tmp_path, document))
    assert session.lesson is None
    assert session.dataset.name == "d"


def test_top_level_model_wins_over_settings(tmp_path):
    path = _write(tmp_path, _document(model="logistic"))
    assert load_session(path).settings["model"] == "logistic"


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    save_session(path, Dataset([1, 2], [3, 4]), SETTINGS)
    before = path.read_bytes()

    def full_disk(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    with pytest.raises(SessionError, match="s.json: cannot write .No space left on device"):
        save_session(path, Dataset([5, 6], [7, 8]), SETTINGS)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]  # no temporary left
    with pytest.raises(SessionError, match="cannot write"):
        write_trajectory_csv(tmp_path / "missing" / "run.csv", _trajectory())


def _with_dataset(**changes):
    document = _document()
    document["dataset"].update(changes)
    return document


def _without(key):
    document = _document()
    del document[key]
    return document


BAD_SESSIONS = [
    (
        '{"format": "gd-explorer session",\n  "version": 1,,}',
        r"not JSON \(Expecting .* at line 2, column 16\)",
    ),
    ("[1, 2]", r"a session must be a JSON object \(it is a list\)"),
    (_document(format="something else"), "not a Gradient Descent Explorer session"),
    (_document(version=2), "session version 2 is not supported"),
    (_document(version="1"), "session version '1' is not supported"),
    (_without("version"), "missing key 'version'"),
    (_without("dataset"), "missing key 'dataset'"),
    (_without("model"), "missing key 'model'"),
    (_without("settings"), "missing key 'settings'"),
    (_document(dataset=[1, 2]), "'dataset' must be an object"),
    (_with_dataset(x=[1, 2, 3, "abc"], y=[1, 2, 3, 4]), r"'dataset.x' .* \(item 3 is 'abc'\)"),
    (_with_dataset(y=[1, True, 3]), r"'dataset.y' .* \(item 1 is True\)"),
    (_with_dataset(x="1,2,3"), "'dataset.x' must be a list of numbers"),
    (_with_dataset(y=[1, 2]), "'dataset': .*"),
    (_with_dataset(name=3), "'dataset.name' must be text"),
    (_document(model="quadratic"), "'model' must be one of linear, logistic"),
    (_document(settings=[1]), "'settings' must be an object"),
    (_document(settings={"steps": [1]}), "'settings.steps' must be"),
    (_document(lesson=7), "'lesson' must be text or null"),
]


@pytest.mark.parametrize(("content", "message"), BAD_SESSIONS)
def test_bad_sessions_say_what_and_where(tmp_path, content, message):
    with pytest.raises(SessionError, match=f"^session.json: {message}"):
        load_session(_write(tmp_path, content))


def test_missing_x_names_the_key(tmp_path):
    document = _document()
    del document["dataset"]["x"]
    with pytest.raises(SessionError, match="missing key 'dataset.x'"):
        load_session(_write(tmp_path, document))


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(tmp_path, literal):
    text = json.dumps(_document()).replace('"x": [1.0,', f'"x": [{literal},')
    assert literal in text
    with pytest.raises(SessionError, match=f"session.json: {literal} is not allowed"):
        load_session(_write(tmp_path, text))


def test_overflowing_numbers_are_refused(tmp_path):
    text = json.dumps(_document()).replace('"x": [1.0,', '"x": [1e400,')
    with pytest.raises(SessionError, match=r"item 0 is inf"):
        load_session(_write(tmp_path, text))


def test_binary_and_missing_files(tmp_path):
    path = tmp_path / "session.json"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SessionError, match="session.json: not a text file"):
        load_session(path)
    with pytest.raises(SessionError, match="nothing.json: cannot read"):
        load_session(tmp_path / "nothing.json")


def test_too_large_file_is_refused_before_reading(tmp_path, monkeypatch):
    path = _write(tmp_path, _document())
    monkeypatch.setattr(files, "MAX_SESSION_BYTES", os.path.getsize(path) - 1)
    with pytest.raises(SessionError, match="session.json: file too large"):
        load_session(path)


def _trajectory():
    data = Dataset([1, 3, 4, 5, 6, 7, 8, 10], [4, 3, 7, 7, 8, 10, 8, 11])
    config = DescentConfig(learning_rate=0.01, steps=50, variant="minibatch", batch_size=3, seed=7)
    return descend(LinearRegression(data), config)


def test_trajectory_csv_equals_the_trajectory(tmp_path):
    trajectory = _trajectory()
    path = tmp_path / "run.csv"
    write_trajectory_csv(path, trajectory)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == TRAJECTORY_HEADER
    assert lines[1].endswith(",,")
    table = np.genfromtxt(path, delimiter=",", skip_header=1)
    assert table.shape == (51, 6)
    np.testing.assert_array_equal(table[:, 0], np.arange(51))
    np.testing.assert_array_equal(table[:, 1:3], trajectory.params)
    np.testing.assert_array_equal(table[:, 3], trajectory.cost)
    assert np.isnan(table[0, 4:]).all()
    np.testing.assert_array_equal(table[1:, 4:], trajectory.grad)
