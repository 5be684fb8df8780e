"""Sessions and recovered autosaves as explorer states, and the offer to recover work.

A session holds every run's settings (``"runs"``) beside the selected run's
(``"settings"``), which older sessions and other readers keep using.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from gd_explorer import files
from gd_explorer.engine import DatasetError
from gd_explorer.settings import TYPED, Settings
from gd_explorer.state import ExplorerState, StateError
from gd_explorer.ui import autosave

if TYPE_CHECKING:
    from gd_explorer.ui.window_files import FileWork


def write(path: str | Path, state: ExplorerState) -> None:
    """Write ``state`` as a session file (raises files.SessionError)."""
    # Each run's name goes with its settings (a reader that does not know it skips it).
    named = zip(state.runs, state.labels, strict=True)
    runs = [{**run.to_dict(), "label": label} for run, label in named]
    files.save_session(
        path, state.data, state.settings.to_dict(), state.lesson, runs, state.selected
    )


def read(path: str | Path, now: ExplorerState) -> tuple[ExplorerState, tuple[str, ...]]:
    """Return the state a session file holds and the notes about what was left out.

    Raises
    ------
    files.SessionError
        If the file cannot be read or a setting is refused (the message names it).
    DatasetError
        If the model cannot fit the data (logistic settings over data that are not classes).
    """
    where = Path(path).name
    session = files.load_session(path)
    labels: tuple[str, ...] = ()
    stored = session.runs or (session.settings,)
    # Every run has the same function: one that cannot be built is said once.
    function_notes = dict.fromkeys(
        note for values in stored for note in _function_note(where, values)
    )
    stored = tuple(_without_bad_function(values) for values in stored)
    if session.runs:
        runs = tuple(settings_of(where, values) for values in stored)
        selected = session.selected
        named = [values.get("label") for values in session.runs]
        if all(isinstance(label, str) and label for label in named):
            labels = tuple(str(label) for label in named)
    else:
        runs, selected = (settings_of(where, stored[0]),), 0
    try:
        state, _ = now.load_session(session.dataset, runs, selected, session.lesson, labels)
    except DatasetError as error:
        raise DatasetError(f"{where}: {error}") from None
    except StateError as error:
        raise files.SessionError(f"{where}: {error}") from None
    return state, session.notes + tuple(function_notes)


#: The settings that say which function a function problem is.
_FUNCTION = {"surface": str, "expression": str, "condition": float, "rotation": float}


def _function_of(values: dict[str, object]) -> Settings | None:
    """Return the settings naming the function ``values`` hold (None: not a function).

    Values of the wrong type are left to :func:`settings_of`, which names them.
    """
    if values.get("model") != "function":
        return None
    picked: dict[str, object] = {}
    for name, kind in _FUNCTION.items():
        if name not in values:
            continue
        value = values[name]
        if kind is float and (isinstance(value, bool) or not isinstance(value, int | float)):
            return None
        if kind is str and not isinstance(value, str):
            return None
        picked[name] = kind(value)
    return Settings(model="function").replace(**picked)


def _function_note(where: str, values: dict[str, object]) -> tuple[str, ...]:
    """Say why the function a session names cannot be built, or nothing if it can."""
    settings = _function_of(values)
    if settings is None:
        return ()
    try:
        settings.function()
    except (KeyError, ValueError) as error:
        reason = str(error.args[0]) if isinstance(error, KeyError) else str(error)
        instead = Settings(model="function").function().title
        if settings.surface == TYPED:
            what = f"the typed function “{_short(settings.expression)}” cannot be used: {reason}"
            kept = "; the text is kept in the function's field to be corrected"
        else:
            what, kept = f"the function cannot be used: {reason}", ""
        return (f"{where}: {what}. The session opens on {instead} instead{kept}.",)
    return ()


def _without_bad_function(values: dict[str, object]) -> dict[str, object]:
    """Return ``values`` on the default function if theirs cannot be built (text kept)."""
    if not _function_note("", values):
        return values
    defaults = Settings()
    return {
        **values,
        "surface": defaults.surface,
        "condition": defaults.condition,
        "rotation": defaults.rotation,
    }


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def settings_of(where: str, values: dict[str, object]) -> Settings:
    """Return the settings a session holds, or raise SessionError naming a refused one."""
    settings = Settings.from_dict(values)
    kept = settings.to_dict()
    differing = [
        (name, value) for name, value in values.items() if name in kept and kept[name] != value
    ]
    # A refused value makes every setting fall back to its default: name one that is
    # refused on its own rather than the first that differs (often a valid one).
    alone = [(n, v) for n, v in differing if Settings.from_dict({n: v}).to_dict()[n] != v]
    if differing:
        name, value = (alone or differing)[0]
        raise files.SessionError(f"{where}: 'settings.{name}' = {value!r} is not accepted")
    return settings


def offer_recovery(window: FileWork) -> int:
    """Offer to restore the work of windows that did not close (a crash, a kill).

    Returns
    -------
    int
        How many were restored.
    """
    restored = kept = 0
    for orphan in autosave.orphans(window.autosave.folder):
        if restored:
            # A second restore would replace the first; the next start offers it.
            orphan.lock.unlock()
            kept += 1
            continue
        try:
            snapshot = orphan.read()
            if snapshot.runs:
                runs = tuple(Settings.from_dict(run) for run in snapshot.runs)
                selected = snapshot.selected
            else:
                runs, selected = (Settings.from_dict(snapshot.settings),), 0
            state, _ = window.explorer.state.load_session(
                snapshot.dataset, runs, selected, snapshot.lesson, snapshot.labels
            )
        except (autosave.RecoveryError, DatasetError, StateError) as error:
            aside = orphan.set_aside()
            window.complain(f"{error}; the file is kept as {aside}")
            continue
        box = QMessageBox(window)
        box.setObjectName("recoveryDialog")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Restore unsaved work?")
        box.setText("Gradient Descent Explorer did not close normally. Unsaved work was kept:")
        box.setInformativeText(autosave.describe(snapshot))
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
        box.exec()
        if box.clickedButton() is restore:
            window.explorer.replace("Restore unsaved work", state)
            orphan.discard()  # this window's own autosave holds it from now on
            window.flush_autosave()
            restored += 1
            window.statusBar().showMessage(
                f"restored {autosave.describe(snapshot)} (Ctrl+Z to undo)", 12_000
            )
        elif box.clickedButton() is discard:
            orphan.discard()
        else:
            orphan.lock.unlock()  # kept for the next start
    if kept:
        window.complain(
            f"restored the newest unsaved work; {kept} more "
            f"{'is' if kept == 1 else 'are'} kept and offered at the next start"
        )
    return restored
