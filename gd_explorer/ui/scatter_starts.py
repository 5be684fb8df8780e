"""Scatter starts: the basins of attraction of the selected run's settings, in the window.

``actionScatterStarts`` asks for a grid of N × N starts or N starts at random, the
controller has the engine's process run them all (``ExplorerController.scatter_starts``),
a progress bar with a Cancel button (or Esc) floats on the contour meanwhile, and the
contour is coloured by the minimum each start reached
(:class:`~gd_explorer.ui.views.basins.BasinsOverlay`). The map goes when the problem
changes; on a regression problem the action is disabled and says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gd_explorer.engine import OPTIMIZERS
from gd_explorer.engine.basins import MAX_STARTS
from gd_explorer.ui.views.basins import BasinsOverlay

if TYPE_CHECKING:
    from gd_explorer.ui.main_window import MainWindow

#: Most starts per side of a grid; random starts go up to its square.
MAX_PER_SIDE = 200
MAX_RANDOM = min(MAX_PER_SIDE * MAX_PER_SIDE, MAX_STARTS)
DEFAULT_PER_SIDE = 100
DEFAULT_RANDOM = 2000
ENABLED_TIP = (
    "Run the selected run's settings from many starts at once and colour the contour by "
    "the minimum each start reaches: the basins of attraction"
)
DISABLED_TIP = (
    "Basins of attraction need a function of x and y (Model: Function): a regression "
    "cost has a single minimum, so every start would reach it"
)


class ScatterStartsDialog(QDialog):
    """Asks for a grid of N × N starts or N starts at random."""

    def __init__(self, describe: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scatterStartsDialog")
        self.setWindowTitle("Scatter starts")
        self.grid_choice = QRadioButton("A grid of starts, per side:")
        self.grid_choice.setObjectName("scatterGridChoice")
        self.grid_choice.setChecked(True)
        self.random_choice = QRadioButton("Starts at random, in all:")
        self.random_choice.setObjectName("scatterRandomChoice")
        self.per_side = QSpinBox()
        self.per_side.setObjectName("scatterPerSideInput")
        self.per_side.setRange(2, MAX_PER_SIDE)
        self.per_side.setValue(DEFAULT_PER_SIDE)
        self.per_side.setToolTip(
            f"N starts along x and N along y: N × N runs (N up to {MAX_PER_SIDE})"
        )
        self.count = QSpinBox()
        self.count.setObjectName("scatterCountInput")
        self.count.setRange(1, MAX_RANDOM)
        self.count.setGroupSeparatorShown(True)
        self.count.setValue(DEFAULT_RANDOM)
        self.count.setToolTip("Starts drawn uniformly over the function's domain (the run's seed)")
        self.per_side.valueChanged.connect(lambda _: self.grid_choice.setChecked(True))
        self.count.valueChanged.connect(lambda _: self.random_choice.setChecked(True))
        form = QFormLayout()
        form.addRow(self.grid_choice, self.per_side)
        form.addRow(self.random_choice, self.count)
        self.note = note = QLabel(describe)
        note.setObjectName("scatterStartsNote")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Run them")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def choice(self) -> tuple[int, bool]:
        """Return (N, at random): N per side of a grid, or N random starts."""
        if self.random_choice.isChecked():
            return self.count.value(), True
        return self.per_side.value(), False


class BasinsProgress(QWidget):
    """A progress bar and a Cancel button, shown while a map runs."""

    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("basinsProgressPanel")
        self.label = QLabel("Basins:")
        self.bar = QProgressBar()
        self.bar.setObjectName("basinsProgress")
        self.bar.setFormat("%p %")
        self.bar.setMinimumWidth(120)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("basinsCancelButton")
        self.cancel_button.setToolTip("Stop mapping the basins (Esc)")
        self.cancel_button.clicked.connect(self.cancelRequested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)

    def show_progress(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` steps taken."""
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, max(total, 1)))


class ScatterStarts(QObject):
    """The window's scatter-starts tool: the dialog, the progress, the overlay.

    Parameters
    ----------
    window : MainWindow
        The window; its ``actionScatterStarts`` opens the dialog.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.explorer = explorer = window.explorer
        self.action: QAction = window.actions_by_name["actionScatterStarts"]
        self.overlay = BasinsOverlay(window.contour)
        # Floating on the contour, where the map will appear: a status bar made or grown
        # for it would lay the whole window out again (a 140 ms stall at the start).
        self.progress = BasinsProgress(window.contour)
        self.progress.setAutoFillBackground(True)
        self.progress.setVisible(False)
        window.contour.installEventFilter(self)
        self.progress.cancelRequested.connect(self.cancel)
        self.cancel_action = QAction("Cancel the basins map", window)
        self.cancel_action.setObjectName("actionCancelBasins")
        self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_action.setEnabled(False)  # Esc stays the views' own while nothing runs
        self.cancel_action.triggered.connect(self.cancel)
        window.addAction(self.cancel_action)
        self.dialog: ScatterStartsDialog | None = None
        self._steps = 0
        self._caption = ""
        self._problem: object = None  # the problem of the map under way
        explorer.basinsProgress.connect(self.progress.show_progress)
        explorer.basinsDone.connect(self._done)
        explorer.stateChanged.connect(self._state_changed)
        self._state_changed(explorer.state)

    @property
    def running(self) -> bool:
        """Return whether a map is being made."""
        return self.cancel_action.isEnabled()

    def ask(self) -> None:
        """Open the dialog (not blocking); accepting it starts the map."""
        if self.explorer.analysis.problem.kind != "function":
            self.explorer.complain(DISABLED_TIP)
            return
        if self.dialog is None:
            self.dialog = ScatterStartsDialog(self._describe(), self.window)
            self.dialog.accepted.connect(lambda: self.start(*self._dialog_choice()))
        else:
            self.dialog.note.setText(self._describe())
        self.dialog.open()

    def _dialog_choice(self) -> tuple[int, bool]:
        assert self.dialog is not None
        return self.dialog.choice()

    def start(self, count: int, at_random: bool = False) -> None:
        """Map the basins from ``count`` per side (or ``count`` random starts)."""
        settings = self.explorer.state.settings
        self._steps = settings.steps
        self._caption = self._describe(short=True)
        if not self.explorer.scatter_starts(count, at_random):
            return
        self._problem = self.explorer.analysis.problem
        self.progress.show_progress(0, settings.steps)
        self._place_progress()
        self.progress.setVisible(True)
        self.progress.raise_()
        self.cancel_action.setEnabled(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keep the progress panel at the foot of the contour as it is resized."""
        if watched is self.window.contour and event.type() == QEvent.Type.Resize:
            self._place_progress()
        return False

    def _place_progress(self) -> None:
        contour, panel = self.window.contour, self.progress
        panel.adjustSize()
        width = min(panel.sizeHint().width(), contour.width())
        panel.setGeometry(
            (contour.width() - width) // 2,
            contour.height() - panel.sizeHint().height() - 4,
            width,
            panel.sizeHint().height(),
        )

    def cancel(self) -> None:
        """Stop the map under way (Esc)."""
        if self.running:
            self.explorer.cancel_basins()
            self._stopped()
            self.window.statusBar().showMessage("basins map cancelled", 5000)

    def _stopped(self) -> None:
        self.progress.setVisible(False)
        self.cancel_action.setEnabled(False)

    def _done(self, result: Any, problem: Any) -> None:
        self._stopped()
        if result is None or problem is not self.explorer.analysis.problem:
            return  # cancelled, failed (the controller said why) or of another problem
        # Its counts are in the legend: a message would make the status bar, and laying
        # the window out again for it stalled it for over 100 ms.
        self.overlay.show(result, problem, self._caption, self._steps)

    def _state_changed(self, _state: object) -> None:
        problem = self.explorer.analysis.problem
        function = problem.kind == "function"
        self.action.setEnabled(function)
        self.action.setToolTip(ENABLED_TIP if function else DISABLED_TIP)
        if self.overlay.shown and problem is not self.overlay.problem:
            self.overlay.clear()
        if self.running and problem is not self._problem:
            self.explorer.cancel_basins()
            self._stopped()

    def _describe(self, short: bool = False) -> str:
        settings = self.explorer.state.settings
        config = settings.config()
        rule = OPTIMIZERS[config.optimizer].label
        noise = f", noise {config.noise:g}" if config.noise > 0 else ""
        if short:  # the legend's caption: the contour may be a few hundred pixels wide
            return f"{config.optimizer}, α {config.learning_rate:g}, {config.steps:,} steps{noise}"
        what = f"{rule}, rate {config.learning_rate:g}, {config.steps:,} steps{noise}"
        return (
            f"Each start runs the selected run's settings ({what}) to the end, in the "
            "engine; the contour is then coloured by the minimum each start reached."
        )
