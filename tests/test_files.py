"""Session files and trajectory CSV, without Qt: exact round trips and every refusal."""

import errno
import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def test_too_large_file_is_refused(tmp_path, monkeypatch):
    path = _write(tmp_path, _document())
    limit = os.path.getsize(path) - 1
    monkeypatch.setattr(files, "MAX_SESSION_BYTES", limit)
    with pytest.raises(SessionError, match=f"session.json: larger than {limit:,} bytes"):
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


# Hostile and odd inputs: each is a SessionError with a short message, never anything else.


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_nesting_is_a_session_error(tmp_path, depth):
    # Python 3.13's JSON parser goes 1,000 deep without running out of stack: it then
    # finds the text unfinished. Either way it is a short SessionError, never a crash.
    with pytest.raises(
        SessionError, match="^session.json: (nested too deeply|not JSON)"
    ) as caught:
        load_session(_write(tmp_path, "[" * depth))
    assert len(str(caught.value)) < 200


def test_deep_nesting_inside_a_value_gives_a_short_message(tmp_path):
    nested = "[" * 900 + "]" * 900
    text = json.dumps(_document(model="@")).replace('"@"', nested)
    with pytest.raises(SessionError, match="'model' must be one of") as caught:
        load_session(_write(tmp_path, text))
    assert len(str(caught.value)) < 200


def test_huge_values_are_shown_cut_short(tmp_path):
    document = _document(model="m" * 1_000_000, lesson=None)
    document["settings"]["steps"] = [[1] * 100_000]
    with pytest.raises(SessionError, match="'model' must be one of") as caught:
        load_session(_write(tmp_path, document))
    assert len(str(caught.value)) < 200
    document["model"] = "linear"
    with pytest.raises(SessionError, match="'settings.steps' must be") as caught:
        load_session(_write(tmp_path, document))
    assert len(str(caught.value)) < 200


def test_integers_with_thousands_of_digits_are_refused_as_numbers(tmp_path):
    text = json.dumps(_document()).replace('"x": [1.0,', '"x": [' + "9" * 5000 + ",")
    with pytest.raises(SessionError, match=r"'dataset.x' .*\(item 0 is inf\)"):
        load_session(_write(tmp_path, text))


def test_running_out_of_memory_is_a_session_error(tmp_path, monkeypatch):
    path = _write(tmp_path, _document())

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(files.json, "loads", no_memory)
    with pytest.raises(SessionError, match="^session.json: too large to read"):
        load_session(path)


def test_a_folder_is_refused_as_a_folder(tmp_path):
    folder = tmp_path / "session.json"
    folder.mkdir()
    with pytest.raises(SessionError, match="^session.json: it is a folder, not a session file"):
        load_session(folder)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_refused_without_reading_it():
    with pytest.raises(SessionError, match="^zero: it is a device, not a session file"):
        load_session("/dev/zero")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    with pytest.raises(SessionError, match="^pipe.json: it is a pipe, not a session file"):
        load_session(pipe)


def test_a_file_larger_than_the_limit_is_refused_with_its_limit(tmp_path):
    path = tmp_path / "session.json"
    with open(path, "wb") as stream:  # sparse: takes no disk space
        stream.truncate(files.MAX_SESSION_BYTES + 1)
    limit = files.MAX_SESSION_BYTES // (1024 * 1024)
    with pytest.raises(SessionError, match=f"^session.json: larger than {limit} MB"):
        load_session(path)


def test_the_size_is_measured_by_reading_not_by_the_reported_size(tmp_path, monkeypatch):
    path = _write(tmp_path, _document())
    size = os.path.getsize(path)
    monkeypatch.setattr(files, "MAX_SESSION_BYTES", size)
    assert load_session(path).dataset.name == "d"  # exactly the limit is fine
    monkeypatch.setattr(files, "MAX_SESSION_BYTES", size - 1)
    real_stat = os.stat

    def zero_size(*args, **kwargs):  # as /proc files and devices report
        result = real_stat(*args, **kwargs)
        return os.stat_result((*result[:6], 0, *result[7:]))

    monkeypatch.setattr(files.os, "stat", zero_size)
    monkeypatch.setattr(files.os, "fstat", lambda fd: zero_size(fd))
    with pytest.raises(SessionError, match="^session.json: larger than"):
        load_session(path)


def test_unknown_lesson_is_dropped_with_a_note(tmp_path):
    session = load_session(_write(tmp_path, _document(lesson="no-such-lesson")))
    assert session.lesson is None
    assert len(session.notes) == 1
    assert "'no-such-lesson'" in session.notes[0] and "lesson" in session.notes[0]
    known = load_session(_write(tmp_path, _document(lesson="overshoot")))
    assert known.lesson == "overshoot" and known.notes == ()


def test_a_session_of_a_million_points_fits_the_limit(tmp_path):
    rng = np.random.default_rng(3)
    data = Dataset(rng.normal(size=2000), rng.normal(size=2000) * 1e-7)  # full-length floats
    path = tmp_path / "s.json"
    save_session(path, data, SETTINGS)
    per_point = (os.path.getsize(path) - 300) / len(data)
    assert per_point * 1_000_000 < files.MAX_SESSION_BYTES
    assert load_session(path).dataset == data


def test_a_session_too_large_to_read_back_is_not_written(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    save_session(path, Dataset([1, 2], [3, 4]), SETTINGS)
    before = path.read_bytes()
    monkeypatch.setattr(files, "MAX_SESSION_BYTES", len(before) + 10)
    many = Dataset(np.arange(100.0), np.arange(100.0))
    with pytest.raises(SessionError, match="^s.json: larger than .* save the data as CSV"):
        save_session(path, many, SETTINGS)
    assert path.read_bytes() == before


def test_a_name_that_is_not_text_is_saved_with_a_replacement_character(tmp_path):
    # os.fsdecode gives such names for file names that are not UTF-8.
    path = tmp_path / "s.json"
    save_session(path, Dataset([1, 2], [3, 4], name="caf\udce9"), SETTINGS)
    assert load_session(path).dataset.name == "caf\ufffd"


# Fuzzing: whatever a file holds, reading it gives a Session or a SessionError.

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
SLOTS = ["format", "version", "dataset", "model", "settings", "lesson", "x", "y", "name"]


def _load_or_refuse(path):
    try:
        session = load_session(path)
    except SessionError as error:
        assert str(error).startswith(path.name + ": ")
        assert len(str(error)) < 1000
    else:
        assert isinstance(session.dataset, Dataset)


@FUZZ
@given(st.binary(max_size=300))
def test_fuzz_any_bytes(tmp_path, raw):
    path = tmp_path / "fuzz.json"
    path.write_bytes(raw)
    _load_or_refuse(path)


@FUZZ
@given(json_values)
def test_fuzz_any_json(tmp_path, value):
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    _load_or_refuse(path)


@FUZZ
@given(st.sampled_from(SLOTS), json_values)
def test_fuzz_a_session_with_one_value_replaced(tmp_path, slot, value):
    document = _document()
    if slot in ("x", "y", "name"):
        document["dataset"][slot] = value
    else:
        document[slot] = value
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    _load_or_refuse(path)


@FUZZ
@given(st.text(alphabet='[]{}",:0123456789.eE-+ntrufalsNIy', max_size=200))
def test_fuzz_json_like_text(tmp_path, text):
    path = tmp_path / "fuzz.json"
    path.write_text(text, encoding="utf-8")
    _load_or_refuse(path)


@FUZZ
@given(st.integers(1, 5000), st.sampled_from(["[", '{"a":', '{"settings":[']), json_values)
def test_fuzz_deep_nesting(tmp_path, depth, opening, inside):
    path = tmp_path / "fuzz.json"
    path.write_text(opening * depth + json.dumps(inside), encoding="utf-8")
    _load_or_refuse(path)


@pytest.mark.parametrize(
    ("failure", "reason"),
    [("read-only", "Read-only file system"), ("missing folder", "No such file or directory")],
)
def test_failed_saves_say_why_and_keep_the_old_file(tmp_path, monkeypatch, failure, reason):
    path = tmp_path / "s.json"
    save_session(path, Dataset([1, 2], [3, 4]), SETTINGS)
    before = path.read_bytes()
    if failure == "read-only":

        def read_only(*args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(atomic.tempfile, "mkstemp", read_only)
    else:
        path = tmp_path / "gone" / "s.json"
    for write in (
        lambda: save_session(path, Dataset([5, 6], [7, 8]), SETTINGS),
        lambda: write_trajectory_csv(path, _trajectory()),
    ):
        with pytest.raises(SessionError, match=f"s.json: cannot write \\({reason}\\)$"):
            write()
    assert (tmp_path / "s.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


def test_settings_that_are_not_plain_data_are_a_session_error(tmp_path):
    path = tmp_path / "s.json"
    for bad in (float("nan"), object()):
        with pytest.raises(SessionError, match="^s.json: cannot save the settings"):
            save_session(path, Dataset([1, 2], [3, 4]), {**SETTINGS, "learning_rate": bad})
    assert not path.exists()


def test_more_values_than_a_session_holds_are_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_SESSION_POINTS", 10)
    # Numbers cost memory by count, not by bytes: "0," is two bytes but a whole float.
    path = _write(tmp_path, _document(extra=[0] * 2000))
    with pytest.raises(SessionError, match="^session.json: more than 10 points"):
        load_session(path)
    with pytest.raises(SessionError, match="^s.json: more than 10 points"):
        save_session(tmp_path / "s.json", Dataset(np.arange(11.0), np.arange(11.0)), SETTINGS)
    session = _document()
    session["dataset"].update(x=list(range(10)), y=list(range(10)))
    assert len(load_session(_write(tmp_path, session)).dataset) == 10
    save_session(tmp_path / "s.json", Dataset(np.arange(10.0), np.arange(10.0)), SETTINGS)


def test_long_texts_are_bounded(tmp_path):
    document = _with_dataset(name="n" * 100_000)
    session = load_session(_write(tmp_path, document))
    assert session.dataset.name == "n" * files.MAX_NAME_LENGTH
    assert "'dataset.name' is cut to its first 255 characters" in session.notes[0]
    document = _document()
    document["settings"]["variant"] = "v" * 100_000
    with pytest.raises(SessionError, match="'settings.variant' is longer than 200") as caught:
        load_session(_write(tmp_path, document))
    assert len(str(caught.value)) < 200


def test_a_session_saved_by_notepad_with_a_byte_order_mark_opens(tmp_path):
    path = tmp_path / "notepad.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(_document()).encode("utf-8"))
    assert load_session(path).dataset.x.tolist() == [1.0, 2.0, 3.0]
