"""The explorer window: a shell of layout and docking around the controller and the views.

The state, undo, the run, replay and drawing live in :mod:`gd_explorer.ui.controller`;
the actions and menus are tables in :mod:`gd_explorer.ui.actions`; the file dialogs
are in :mod:`gd_explorer.ui.dialogs`; files, exports and unsaved work in
:mod:`gd_explorer.ui.window_files`; theme and text size in
:mod:`gd_explorer.ui.presentation`. The window lays the views out, docks the lessons
and answers the controller's signals.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import shiboken6
from PySide6.QtCore import QByteArray, QSettings, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QMessageBox,
    QScrollArea,
    QSlider,
    QSplitter,
    QStackedWidget,
    QStatusBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gd_explorer.engine import CostModel, Dataset
from gd_explorer.lessons import get_lesson
from gd_explorer.presets import PRESETS
from gd_explorer.settings import Settings
from gd_explorer.state import ExplorerState
from gd_explorer.ui import actions, autosave, style
from gd_explorer.ui.controller import ExplorerController, Run
from gd_explorer.ui.controls import ControlsPanel
from gd_explorer.ui.dialogs import Dialogs
from gd_explorer.ui.lessons_panel import LessonsPanel
from gd_explorer.ui.message_bar import MessageBar
from gd_explorer.ui.painter import Views
from gd_explorer.ui.predict import Predictor
from gd_explorer.ui.presentation import THEME_KEY, Presentation, _stored_theme
from gd_explorer.ui.readout import Readout
from gd_explorer.ui.runs_panel import RunsPanel
from gd_explorer.ui.scatter_starts import ScatterStarts
from gd_explorer.ui.shortcuts import ShortcutsDialog
from gd_explorer.ui.surface_view import create_surface_view
from gd_explorer.ui.views import ContourView, CostCurveView, DatasetTable, DataView, HistoryView
from gd_explorer.ui.views.equations import EquationsPanel
from gd_explorer.ui.views.function_panel import FunctionPanel
from gd_explorer.ui.views.sweep import SweepView
from gd_explorer.ui.window_files import RECENT_COUNT, FileWork
from gd_explorer.worker import DescentController

__all__ = ["RECENT_COUNT", "QFileDialog", "QMessageBox", "MainWindow", "settings_store"]

SETTINGS_KEY = "settings"
GEOMETRY_KEY = "geometry"
#: Milliseconds between checks for a change to autosave: the most an edit waits for its save.
AUTOSAVE_MS = 1000


def settings_store() -> QSettings:
    """Return where the window keeps its geometry and last settings."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "gd-explorer", "gd-explorer"
    )


def _opening_settings(stored: dict[str, object]) -> Settings:
    """Return the settings a window opens with, from those it closed with.

    A function needs no data, so a window closed on one opens on it again (one that
    no longer builds was replaced by the default surface when read); a logistic
    model needs classes, so the article's data opens on the linear model.
    """
    settings = Settings.from_dict(stored)
    if settings.model not in ("linear", "function"):
        settings = settings.replace(model="linear")  # the article's data opens first
    return settings


class MainWindow(FileWork, Presentation):
    """The program's window.

    Parameters
    ----------
    use_gl : bool
        False to show a text panel instead of the 3-D cost surface.
    store : QSettings, optional
        Where to keep geometry and settings; the user's configuration by default.
    data_folder : Path, optional
        Where to autosave unsaved work; see :func:`autosave.default_folder`.
    parent : QWidget, optional
        The parent widget.
    """

    def __init__(
        self,
        *,
        use_gl: bool = True,
        store: QSettings | None = None,
        data_folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Gradient Descent Explorer")
        font = self.font()
        font.setPointSize(style.BASE_POINT_SIZE)
        self.setFont(font)
        self._store = store if store is not None else settings_store()
        self._theme_choice = _stored_theme(self._store.value(THEME_KEY))
        # Before the views exist: each one reads the current theme as it is built.
        style.set_theme(style.theme_name(*self._theme_choice))
        self._scale = 1.0
        style.set_text_scale(1.0)  # before the views: each sets its plot text at this scale
        self._normal_layout = None
        self._placing = False
        self._shortcuts: ShortcutsDialog | None = None
        self._calculus: QTabWidget | None = None
        self.replay_slider = QSlider(Qt.Orientation.Horizontal)
        self.replay_slider.setObjectName("replaySlider")
        self.replay_slider.setToolTip("Drag to replay the run: every view shows that step (← →)")
        self.replay_slider.setRange(0, 0)
        self.controls = ControlsPanel()
        self.readout = Readout()
        self.data_view = DataView()
        self.table = DatasetTable()
        self.function_panel = FunctionPanel()
        self.cost_curve = CostCurveView()
        self.contour = ContourView()
        self.surface = create_surface_view(use_gl)
        self.history = HistoryView()
        self.equations = EquationsPanel()
        self.runs_panel = RunsPanel(colours=style.run_colour)
        self.sweep_view = SweepView()
        self.views = Views(
            self.data_view, self.cost_curve, self.contour, self.surface, self.history,
            self.readout, self.equations, self.table, frame=self, runs_panel=self.runs_panel,
            function_panel=self.function_panel,
        )  # fmt: skip
        self._build_layout()
        self.lessons_panel = LessonsPanel()
        self.lessons_dock = QDockWidget("Lessons", self)
        self.lessons_dock.setObjectName("lessonsDock")
        self.lessons_dock.setWidget(self.lessons_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.lessons_dock)
        self.lessons_dock.hide()  # the explorer first; the Lessons menu opens the walk-through
        # Opened from the menu's check box too: beside the views or over them, as they allow.
        self.lessons_dock.visibilityChanged.connect(
            lambda shown: shown and QTimer.singleShot(0, self, self.place_lessons)
        )

        stored = self._store.value(SETTINGS_KEY)
        settings = _opening_settings(stored if isinstance(stored, dict) else {})
        self.explorer = ExplorerController(self.views, ExplorerState.initial(settings), self)
        #: The link to the engine's process (the selected run's runner).
        self.controller: DescentController = self.explorer.runner
        self.undo_stack = self.explorer.undo_stack
        self.dialogs = Dialogs(self)
        self.theme_actions: dict[str, QAction] = {}
        self.actions_by_name = named = actions.build(self)
        self.action_run, self.action_step = named["actionRun"], named["actionStep"]
        self.action_reset, self.action_new = named["actionReset"], named["actionNew"]
        self.action_undo, self.action_redo = named["actionUndo"], named["actionRedo"]
        self.action_colour_blind = named["actionColourBlind"]
        self.runs_panel.set_actions(
            named["actionAddRun"],
            named["actionDuplicateRun"],
            named["actionRemoveRun"],
            named["actionBranch"],
        )
        self.runs_panel.set_presets([(p.id, p.label) for p in PRESETS])
        self._fit_hint()
        self._fit_choices()
        self._fit_side_panel()  # now that the runs panel shows its buttons
        for box in self.controls.findChildren(QComboBox):
            box.currentTextChanged.connect(self.choice_changed)
        self.scatter_starts = ScatterStarts(self)
        self.predict = Predictor(self)
        self._connect()
        self._check_theme_actions()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)
        self.explorer.restore(self.explorer.state, restart=True)
        self._show_problem_kind()

        #: Ask before closing with unsaved data (Save / Discard / Cancel).
        self.confirm_unsaved = True
        #: Where the current state was last saved to or opened from, if a session.
        self.session_path: Path | None = None
        self._closed = False
        self._baseline = self._autosaved = self.explorer.state
        self.autosave = autosave.Autosave(
            data_folder if data_folder is not None else autosave.default_folder()
        )
        if self.autosave.error:
            self.statusBar().showMessage(self.autosave.error)
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setInterval(AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self._autosave_tick)
        self._autosave_timer.start()
        geometry = self._store.value(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:  # 1280 by 800, or the screen's free area if smaller (the frame: when shown)
            area = self.screen_area()
            self.resize(min(1280, area.width()), min(800, area.height()))

    # The surface DESIGN fixes (dataset and trajectory are FileWork's): runs, load_lesson.

    @property
    def settings(self) -> Settings:
        """Settings: the selected run's, as the controls say."""
        return self.explorer.state.settings

    @property
    def problem(self) -> CostModel:
        """CostModel: the cost the runs descend."""
        return self.explorer.analysis.problem

    @property
    def lesson_id(self) -> str | None:
        """The lesson the current state came from (saved in sessions), or None."""
        return self.explorer.state.lesson

    @property
    def runs(self) -> tuple[Run, ...]:
        """Tuple of runs, each with ``.config`` and ``.trajectory``, the selected one's live."""
        return self.explorer.runs

    def load_lesson(self, lesson_id: str) -> None:
        """Load a lesson's data and settings, ready to run (undoable)."""
        lesson = get_lesson(lesson_id)
        unsaved = self.has_unsaved_changes
        state, _ = self.explorer.state.load_lesson(lesson, self.settings.speed)
        self.setWindowTitle(f"{lesson.title} — Gradient Descent Explorer")
        self.explorer.replace(f"Load lesson “{lesson.title}”", state)
        if not unsaved:
            self._mark_saved()  # a lesson is made again by loading it: nothing to save
        if self.lessons_panel.current != lesson.id:
            self.lessons_panel.set_current(lesson.id)
        self.statusBar().showMessage(lesson.title, 8000)
        self.predict.lesson_loaded(lesson)

    # Layout and signals.

    def _build_layout(self) -> None:
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.runs_panel)
        side_layout.addWidget(self.controls)
        side_layout.addWidget(self.equations)
        side_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setObjectName("sidePanel")
        self._side, self._side_scroll = side, scroll
        self._fit_side_panel()
        top = QSplitter(Qt.Orientation.Horizontal)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        # The history and the learning-rate sweep share a place: a sweep is looked at
        # now and then, the cost per step all the time.
        self.history_tabs = QTabWidget()
        self.history_tabs.setObjectName("historyTabs")
        self.history_tabs.setDocumentMode(True)
        self.history_tabs.addTab(self.history, "Cost per step")
        self.history_tabs.addTab(self.sweep_view, "Learning-rate sweep")
        # The sweep's own controls must not set the row's height: at large text on a
        # small screen they would push the window past the bottom of the screen.
        self.sweep_view.setMinimumHeight(1)
        # A function has no data: its panel takes the data plot's place and the table
        # steps aside, both kept as they were for the way back to regression.
        self.data_stack = QStackedWidget()
        self.data_stack.setObjectName("dataStack")
        self.data_stack.addWidget(self.data_view)
        self.data_stack.addWidget(self.function_panel)
        rows: tuple[tuple[QSplitter, tuple[QWidget, ...]], ...] = (
            (top, (self.data_stack, self.contour, self.surface)),
            (bottom, (self.cost_curve, self.history_tabs, self.table)),
        )
        for splitter, row in rows:
            for view in row:
                splitter.addWidget(view)
        # The three maps share the top row equally, however wide the window (with the
        # lessons panel open, 1280 pixels leave each about 220).
        top.setSizes([400, 400, 400])
        for index in range(3):
            top.setStretchFactor(index, 1)
        bottom.setSizes([400, 400, 220])
        grid = QSplitter(Qt.Orientation.Vertical)
        grid.addWidget(top)
        grid.addWidget(bottom)
        self._views_grid = grid  # where the lessons panel lies on a small window
        grid.installEventFilter(self)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.readout)
        centre_layout.addWidget(self.replay_slider)
        centre_layout.addWidget(grid, 1)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(scroll)
        main.addWidget(centre)
        main.setStretchFactor(1, 1)
        for splitter in (top, bottom, grid, main):
            splitter.setChildrenCollapsible(False)
        self.setCentralWidget(main)

    def _connect(self) -> None:
        explorer, edit = self.explorer, self.explorer.edit
        # Lazily: a status bar made before the first message would take room from the views.
        explorer.message.connect(self._say)
        explorer.stateChanged.connect(self._forget_stale_message)
        explorer.panelNeeded.connect(lambda s, rows: self.controls.set_settings(s, rows=rows))
        explorer.runStateChanged.connect(
            lambda running, _: self.action_run.setText("Pause" if running else "Run")
        )
        explorer.replayMoved.connect(self._set_slider)
        explorer.stateChanged.connect(self._show_problem_kind)
        explorer.failureCleared.connect(self._clear_failure)
        self.controls.settingsEdited.connect(explorer.set_settings)
        explorer.bandsChanged.connect(self.controls.set_bands)
        explorer.scalingCompared.connect(self.controls.set_scaling_report)
        self.runs_panel.runSelected.connect(explorer.select_run)
        self.runs_panel.presetChosen.connect(explorer.apply_preset)
        self.runs_panel.widthNeeded.connect(self._fit_side_panel)
        self.sweep_view.sweepRequested.connect(explorer.sweep)
        self.sweep_view.cancelRequested.connect(explorer.cancel_sweep)
        explorer.sweepProgress.connect(self.sweep_view.show_progress)
        explorer.sweepDone.connect(self._show_sweep)
        self.controls.rejected.connect(self.complain)
        add = lambda x, y: edit("Add point", lambda d: d.with_point(x, y))  # noqa: E731
        self.data_view.pointAdded.connect(add)
        self.data_view.pointMoved.connect(
            lambda i, x, y: edit("Move point", lambda d: d.moved(i, x, y))
        )
        self.data_view.pointRemoved.connect(lambda i: edit("Remove point", lambda d: d.without(i)))
        self.table.cellEdited.connect(self._cell_edited)
        self.table.rowAdded.connect(add)
        self.table.rowsRemoved.connect(lambda rows: edit("Remove points", partial(_without, rows)))
        self.table.editRejected.connect(self.complain)
        self.contour.startRequested.connect(explorer.start_at)
        self.lessons_panel.lessonChosen.connect(self.load_lesson)
        self.lessons_panel.calculusChosen.connect(
            lambda which: self.show_calculus().setCurrentIndex(0 if which == "derivative" else 1)
        )
        self.replay_slider.valueChanged.connect(self.show_step)

    def _show_sweep(
        self, result: object, one_over_l: float | None, two_over_l: float | None
    ) -> None:
        if result is None:
            self.sweep_view.show_progress(0, 0)
            return
        self.sweep_view.show_sweep(result, one_over_l, two_over_l)

    def _cell_edited(self, row: int, column: int, value: float) -> None:
        x, y = float(self.dataset.x[row]), float(self.dataset.y[row])
        x, y = (value, y) if column == 0 else (x, value)
        self.explorer.edit("Edit cell", lambda d: d.moved(row, x, y))

    def _show_problem_kind(self, *_: object) -> None:
        """Show the data plot and the table for regression, the function panel for a function."""
        function = self.settings.model == "function"
        self.data_stack.setCurrentWidget(self.function_panel if function else self.data_view)
        self.table.setVisible(not function)

    def statusBar(self) -> QStatusBar:  # noqa: N802 - Qt's name
        """Return the status bar (made on first use), which shows long messages whole."""
        bar = getattr(self, "_message_bar", None)
        # Ctrl+0 takes away a status bar that the window had not made yet when the text
        # grew (the exact layout of before): a message after it needs a new one.
        if bar is None or not shiboken6.isValid(bar):
            bar = self._message_bar = MessageBar(self)
            self.setStatusBar(bar)
        return bar

    def _say(self, text: str, timeout: int) -> None:
        """Show the controller's message, as one about the data and model shown now."""
        bar = self.statusBar()
        assert isinstance(bar, MessageBar)
        state = self.explorer.state
        bar.show_about(text, timeout, (state.data, state.settings.model))

    def _forget_stale_message(self, state: ExplorerState) -> None:
        """Clear a message about data or a model no longer shown (an undo, a new lesson)."""
        bar = getattr(self, "_message_bar", None)
        if bar is not None:
            bar.forget_unless(
                lambda about: (
                    isinstance(about, tuple)
                    and about[0] is state.data
                    and about[1] == state.settings.model
                )
            )

    def _set_slider(self, value: int, maximum: int) -> None:
        with QSignalBlocker(self.replay_slider):
            self.replay_slider.setMaximum(maximum)
            self.replay_slider.setValue(value)

    def _clear_failure(self, message: str) -> None:
        if self.statusBar().currentMessage() == message:
            self.statusBar().clearMessage()  # about a run that is over: not this one

    # Running: the controller does it.

    def toggle_run(self) -> None:
        """Run, pause or resume."""
        self.explorer.toggle_run()

    def step_once(self) -> None:
        """Take one step (while replaying, show the next recorded step)."""
        self.explorer.step_once()

    def step_back(self) -> None:
        """Replay: show the step before the one shown."""
        self.explorer.step_back()

    def reset(self) -> None:
        """Forget the run and put the ball back at the start."""
        self.explorer.reset()

    def show_step(self, step: int) -> None:
        """Show recorded step ``step`` of the run in every view (replay)."""
        self.explorer.show_step(step)

    def scale_learning_rate(self, factor: float) -> None:
        """Multiply the learning rate by ``factor`` ([ and ]), within the control's range."""
        self.explorer.scale_learning_rate(factor)

    # Shutdown.

    def release(self) -> None:
        """Stop the engine and free OpenGL now, while the application exists.

        Safe to call twice. Called on close and when the application quits, so that
        nothing depends on the order in which Qt and Python destroy objects later.
        The window shows no 3-D surface afterwards.
        """
        self.explorer.shutdown()
        self.surface.release()
        # Without a close (the application quit, a broken window dropped): the autosave
        # stays for the next start, and the lock on it is let go.
        self._autosave_timer.stop()
        self.autosave.close(keep=True)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """Fit the window, frame and all, into its screen's free area once it is shown."""
        super().showEvent(event)
        self.fit_to_screen()
        # The window system adds the frame (title bar) only after the window is mapped.
        QTimer.singleShot(0, self.fit_to_screen)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask about unsaved data, stop the worker, free OpenGL, remember geometry and settings."""
        if self._closed:
            super().closeEvent(event)
            return
        if not self.ask_to_keep_changes("Quit"):
            event.ignore()
            return
        self._closed = True
        self._autosave_timer.stop()
        self._autosave_tick()
        # Kept when the user was not asked (Ctrl+C, logging out): offered at the next start.
        self.autosave.close(keep=self.has_unsaved_changes and not self.confirm_unsaved)
        self.release()
        if self._calculus is not None:
            self._calculus.close()
        self._store.setValue(GEOMETRY_KEY, self.saveGeometry())
        self._store.setValue(SETTINGS_KEY, self.settings.to_dict())
        self._store.sync()
        super().closeEvent(event)


def _without(rows: list[int], data: Dataset) -> Dataset:
    for row in sorted(rows, reverse=True):
        data = data.without(row)
    return data
