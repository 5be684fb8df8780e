"""A session whose settings are refused names the setting at fault, not another one."""

from __future__ import annotations

import json

import pytest

from gd_explorer import files
from gd_explorer.engine import Dataset
from gd_explorer.settings import Settings


@pytest.mark.parametrize(
    ("changes", "culprit"),
    [
        ({"variant": "minibatch", "batch_size": 0}, "batch_size"),
        ({"variant": "minibatch", "batch_size": 10**30}, "batch_size"),
        ({"variant": "stochastic", "optimizer": "lbfgs"}, "optimizer"),
        ({"model": "linear", "seed": -5}, "seed"),
    ],
)
def test_the_refused_setting_is_the_one_named(make_window, tmp_path, changes, culprit):
    window = make_window(use_gl=False)
    path = tmp_path / "session.json"
    data = Dataset([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 5.0, 8.0], "four")
    files.save_session(path, data, Settings().to_dict())
    document = json.loads(path.read_text())
    document["settings"].update(changes)
    path.write_text(json.dumps(document))
    assert window.open_session(path) is False
    message = window.statusBar().currentMessage()
    assert f"'settings.{culprit}'" in message, message


@pytest.mark.parametrize("seed", [2**31, 2**40, 2**64 - 1])
def test_a_seed_beyond_the_seed_control_is_refused(make_window, tmp_path, seed):
    # The seed control holds 32-bit values: a larger seed raised OverflowError while the
    # controls were updated, and the largest crashed the program when it was stored.
    window = make_window(use_gl=False)
    path = tmp_path / "session.json"
    data = Dataset([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 5.0, 8.0], "four")
    files.save_session(path, data, Settings().replace(seed=seed).to_dict())
    assert window.open_session(path) is False
    assert "'settings.seed'" in window.statusBar().currentMessage()
    assert window.settings.seed == window.controls.seed.value()


def test_stored_settings_with_a_seed_beyond_the_control_fall_back_to_the_defaults():
    assert Settings.from_dict(Settings().replace(seed=2**40).to_dict()) == Settings()
