"""The window's actions, menus and toolbar, as tables turned into QActions in one loop.

Each row names the action (its fixed object name), its text, keys, what it does
(a function of the window), its tip and its place. Adding a command is adding a row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from gd_explorer.lessons import LESSONS

if TYPE_CHECKING:
    from gd_explorer.ui.main_window import MainWindow

Keys = tuple[str | QKeySequence.StandardKey, ...]
#: Presentation zoom: Ctrl+= / Ctrl+- pass this or its inverse, one step up or down
#: the window's text sizes (``presentation.ZOOM_STEPS``).
ZOOM_STEP = 1.25


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One command of the window.

    ``handler`` is called with the window (and, for a checkable action, whether it
    is now checked). ``shared`` actions belong to the window itself, so their keys
    work everywhere and the shortcuts sheet lists them; the others live in a menu.
    """

    name: str
    text: str
    keys: Keys
    handler: Callable[..., object]
    tip: str = ""
    shared: bool = True
    checkable: bool = False
    enabled: bool = True
    #: What a button showing the action says, when shorter than ``text``.
    short: str = ""
    #: Whether a checkable action starts checked.
    checked: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "actionRun",
        "Run",
        ("Space",),
        lambda w: w.toggle_run(),
        "Run or pause the descent (Space)",
    ),
    ActionSpec(
        "actionStep", "Step", ("Right",), lambda w: w.step_once(), "Take exactly one step (→)"
    ),
    ActionSpec(
        "actionStepBack",
        "Step back",
        ("Left",),
        lambda w: w.step_back(),
        "Replay: show the step before (←)",
    ),
    ActionSpec(
        "actionReset",
        "Reset",
        ("R",),
        lambda w: w.reset(),
        "Put the ball back at the start and clear the run (R)",
    ),
    ActionSpec(
        "actionPredict",
        "Ask the class first…",
        (),
        lambda w: w.predict.ask(),
        "Before the run: will it converge, oscillate or diverge? The class answers, the run "
        "shows, and the program says who was right and why (plain gradient descent on least "
        "squares at a constant rate)",
        shared=False,
    ),
    ActionSpec(
        "actionHalveRate",
        "Halve the learning rate",
        ("[",),
        lambda w: w.scale_learning_rate(0.5),
        "Halve the learning rate ([)",
    ),
    ActionSpec(
        "actionDoubleRate",
        "Double the learning rate",
        ("]",),
        lambda w: w.scale_learning_rate(2.0),
        "Double the learning rate (])",
    ),
    ActionSpec(
        "actionBestRate",
        "Best learning rate",
        (),
        lambda w: w.explorer.best_rate(),
        "Set the learning rate to 2/(L + μ): the fastest steady descent on this problem "
        "(on a function: at the start, where its curvature is measured)",
    ),
    ActionSpec(
        "actionAddRun",
        "Add a run",
        ("Ctrl+Shift+N",),
        lambda w: w.explorer.add_run(),
        "Add a run with default settings, to race the others on the same problem (up to four)",
        short="Add",
    ),
    ActionSpec(
        "actionDuplicateRun",
        "Duplicate the run",
        ("Ctrl+D",),
        lambda w: w.explorer.duplicate_run(),
        "Add a copy of the selected run: change one setting and race them",
        short="Duplicate",
    ),
    ActionSpec(
        "actionRemoveRun",
        "Remove the run",
        ("Ctrl+Shift+Backspace",),
        lambda w: w.explorer.remove_run(),
        "Remove the selected run; the others carry on",
        short="Remove",
    ),
    ActionSpec(
        "actionBranch",
        "Branch from this step",
        ("B",),
        lambda w: w.explorer.branch(),
        "While replaying: a new run starting from the step shown, beside the original (B)",
        short="Branch here",
    ),
    ActionSpec(
        "actionScatterStarts",
        "Scatter starts…",
        (),
        lambda w: w.scatter_starts.ask(),
        "Run the selected run's settings from many starts at once and colour the contour "
        "by the minimum each start reaches: the basins of attraction",
        shared=False,
    ),
    ActionSpec(
        "actionFullScreen",
        "Full screen",
        ("F11",),
        lambda w: w.toggle_full_screen(),
        "Fill the screen, for a classroom (F11)",
    ),
    ActionSpec(
        "actionZoomIn",
        "Larger text",
        ("Ctrl++", "Ctrl+="),
        lambda w: w.zoom(ZOOM_STEP),
        "Make text larger, for the back of the room (Ctrl++)",
    ),
    ActionSpec(
        "actionZoomOut",
        "Smaller text",
        ("Ctrl+-",),
        lambda w: w.zoom(1 / ZOOM_STEP),
        "Make text smaller (Ctrl+−)",
    ),
    ActionSpec(
        "actionZoomReset",
        "Normal text size",
        ("Ctrl+0",),
        lambda w: w.set_zoom(1.0),
        "Back to the normal text size (Ctrl+0)",
    ),
    ActionSpec(
        "actionShortcuts",
        "Mouse and keys",
        ("F1",),
        lambda w: w.show_shortcuts(),
        "What every mouse action and every key does, view by view (F1)",
    ),
    ActionSpec(
        "actionNew",
        "&New",
        (QKeySequence.StandardKey.New,),
        lambda w: w.new_from_menu(),
        shared=False,
    ),
    ActionSpec(
        "actionOpenDataset",
        "&Open dataset…",
        (QKeySequence.StandardKey.Open,),
        lambda w: w.dialogs.open_dataset(),
        shared=False,
    ),
    ActionSpec(
        "actionSaveDataset",
        "&Save dataset…",
        (QKeySequence.StandardKey.Save,),
        lambda w: w.dialogs.save_dataset(),
        shared=False,
    ),
    ActionSpec(
        "actionOpenSession",
        "Open s&ession…",
        (),
        lambda w: w.dialogs.open_session(),
        shared=False,
    ),
    ActionSpec(
        "actionSaveSession",
        "Save sess&ion…",
        ("Ctrl+Shift+S",),
        lambda w: w.dialogs.save_session(),
        shared=False,
    ),
    ActionSpec(
        "actionExportTrajectory",
        "Export &trajectory CSV…",
        (),
        lambda w: w.dialogs.export_trajectory(),
        shared=False,
    ),
    ActionSpec(
        "actionExportPng",
        "Export window as &PNG…",
        (),
        lambda w: w.dialogs.export_png(),
        shared=False,
    ),
    ActionSpec(
        "actionExportGif",
        "Export run as animated &GIF…",
        (),
        lambda w: w.dialogs.export_gif(),
        shared=False,
    ),
    ActionSpec(
        "actionExportScript",
        "Export run as Python &script…",
        (),
        lambda w: w.dialogs.export_script(),
        shared=False,
    ),
    ActionSpec(
        "actionExportNotebook",
        "Export run as Jupyter &notebook…",
        (),
        lambda w: w.dialogs.export_notebook(),
        shared=False,
    ),
    ActionSpec(
        "actionQuit", "&Quit", (QKeySequence.StandardKey.Quit,), lambda w: w.close(), shared=False
    ),
    ActionSpec(
        "actionCalculus",
        "&Derivatives and partial derivatives…",
        (),
        lambda w: w.show_calculus(),
        shared=False,
    ),
    ActionSpec(
        "actionGradientSpread",
        "Gradient spread",
        (),
        lambda w, on: w.contour.spread.set_shown(on),
        "Stochastic and mini-batch runs: each row's own step −α·∇J_i as a faint arrow "
        "around the full gradient's, on the cost map",
        shared=False,
        checkable=True,
        checked=True,
    ),
    ActionSpec(
        "actionCostPerRow",
        "Cost per row",
        (),
        lambda w, on: w.data_view.set_row_costs_shown(on),
        "On the data: each point's error as a square of side |error| (least squares) or "
        "its log-loss as a bar (logistic); the cost is their mean",
        shared=False,
        checkable=True,
    ),
    ActionSpec(
        "actionColourBlind",
        "Colour-blind-safe colours",
        (),
        lambda w, on: w.set_theme(w.theme[0], on),
        "The Okabe–Ito palette: nothing to tell apart by red against green",
        shared=False,
        checkable=True,
    ),
)

#: The theme choices: (name, object name, text).
THEMES = (
    ("system", "actionThemeSystem", "Follow the system"),
    ("light", "actionThemeLight", "Light"),
    ("dark", "actionThemeDark", "Dark"),
)
#: Views that File → Export a view offers: (menu title, name for ``export_view``).
EXPORTABLE_VIEWS = (
    ("Data", "data"),
    ("Cost from above", "contour"),
    ("3-D surface", "surface"),
    ("Cost curve", "cost_curve"),
    ("Cost per step", "history"),
)
TOOLBAR = (
    "actionRun",
    "actionStepBack",
    "actionStep",
    "actionReset",
    "-",
    "actionUndo",
    "actionRedo",
)
#: The menus: an action's name, "-" for a separator, or "@name" for a part built in code.
MENUS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "&File",
        (
            "actionNew",
            "actionOpenDataset",
            "actionSaveDataset",
            "-",
            "actionOpenSession",
            "actionSaveSession",
            "@recent",
            "actionExportTrajectory",
            "actionExportPng",
            "actionExportGif",
            "actionExportScript",
            "actionExportNotebook",
            "@exportViews",
            "-",
            "actionQuit",
        ),
    ),
    ("&Edit", ("actionUndo", "actionRedo")),
    (
        "&Run",
        (
            "actionRun",
            "actionStep",
            "actionStepBack",
            "actionReset",
            "actionPredict",
            "-",
            "actionHalveRate",
            "actionDoubleRate",
            "actionBestRate",
            "-",
            "actionAddRun",
            "actionDuplicateRun",
            "actionRemoveRun",
            "actionBranch",
            "-",
            "actionScatterStarts",
        ),
    ),
    (
        "&View",
        (
            "actionFullScreen",
            "actionZoomIn",
            "actionZoomOut",
            "actionZoomReset",
            "-",
            "actionGradientSpread",
            "actionCostPerRow",
            "-",
            "@theme",
        ),
    ),
    ("&Calculus", ("actionCalculus",)),
    ("&Lessons", ("@lessons",)),
    ("&Help", ("actionShortcuts",)),
)


def _make(window: MainWindow, spec: ActionSpec) -> QAction:
    action = QAction(spec.text, window)
    action.setObjectName(spec.name)
    if spec.short:
        action.setIconText(spec.short)
    action.setShortcuts([QKeySequence(k) for k in spec.keys])
    if spec.tip:
        action.setToolTip(spec.tip)
    action.setEnabled(spec.enabled)
    if spec.checkable:
        action.setCheckable(True)
        action.setChecked(spec.checked)
        action.toggled.connect(partial(spec.handler, window))
    else:
        action.triggered.connect(lambda _=False, run=spec.handler: run(window))
    if spec.shared:
        window.addAction(action)
    return action


def build(window: MainWindow) -> dict[str, QAction]:
    """Make every action, the toolbar and the menus of ``window``; return the actions by name."""
    actions = {spec.name: _make(window, spec) for spec in ACTIONS}
    stack = window.explorer.undo_stack
    undo = stack.createUndoAction(window, "Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = stack.createRedoAction(window, "Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    for name, action in (("actionUndo", undo), ("actionRedo", redo)):
        # The toolbar says only "Undo" (the full "Undo Load lesson …" is the menu's and
        # the tooltip's): a long command must not push Undo and Redo off the toolbar.
        action.setIconText(name.removeprefix("action"))
        action.setObjectName(name)
        window.addAction(action)
        actions[name] = action
    toolbar = window.addToolBar("Run")
    toolbar.setObjectName("runToolbar")
    toolbar.setMovable(False)
    for name in TOOLBAR:
        toolbar.addSeparator() if name == "-" else toolbar.addAction(actions[name])
    parts: dict[str, Callable[[QMenu], None]] = {
        "@recent": partial(_recent_menu, window),
        "@exportViews": partial(_export_views_menu, window),
        "@theme": partial(_theme_menu, window, actions),
        "@lessons": partial(_lessons_menu, window),
    }
    for title, entries in MENUS:
        menu = window.menuBar().addMenu(title)
        for entry in entries:
            if entry == "-":
                menu.addSeparator()
            elif entry in parts:
                parts[entry](menu)
            else:
                menu.addAction(actions[entry])
    return actions


def _recent_menu(window: MainWindow, menu: QMenu) -> None:
    recent = menu.addMenu("&Recent sessions")
    recent.setObjectName("recentSessionsMenu")
    recent.aboutToShow.connect(window.fill_recent_menu)
    window.recent_menu = recent


def _export_views_menu(window: MainWindow, menu: QMenu) -> None:
    views = menu.addMenu("Export a &view")
    views.setObjectName("exportViewMenu")
    for title, name in EXPORTABLE_VIEWS:
        views.addAction(f"{title} as PNG…", partial(window.dialogs.export_view, name, "png"))
        if name != "surface":  # the 3-D view is a picture of OpenGL: no vector form
            views.addAction(f"{title} as SVG…", partial(window.dialogs.export_view, name, "svg"))


def _theme_menu(window: MainWindow, actions: dict[str, QAction], menu: QMenu) -> None:
    themes = menu.addMenu("&Theme")
    themes.setObjectName("themeMenu")
    group = QActionGroup(window)
    group.setExclusive(True)
    for name, object_name, text in THEMES:
        action = QAction(text, window)
        action.setObjectName(object_name)
        action.setCheckable(True)
        action.triggered.connect(lambda _=False, n=name: window.set_theme(n, window.theme[1]))
        group.addAction(action)
        themes.addAction(action)
        window.theme_actions[name] = action
    themes.addSeparator()
    themes.addAction(actions["actionColourBlind"])


def _lessons_menu(window: MainWindow, menu: QMenu) -> None:
    menu.addAction(window.lessons_dock.toggleViewAction())
    menu.addSeparator()
    for lesson in LESSONS:
        menu.addAction(lesson.title, partial(window.lesson_from_menu, lesson.id))
