"""A session whose settings are refused names the setting at fault, not another one."""

from __future__ import annotations

import json

import pytest

from gd_explorer import files
from gd_explorer.engine import Dataset
from gd_explorer.ui.settings import Settings


@pytest.mark.parametrize(
    ("changes", "culprit"),
    [
        ({"variant": "minibatch", "batch_size": 0}, "batch_size"),
        ({"variant": "minibatch", "batch_size": 10**30}, "batch_size"),
        ({"variant": "stochastic", "optimizer": "momentum"}, "optimizer"),
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
