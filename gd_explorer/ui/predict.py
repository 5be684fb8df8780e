"""Predict, then run: ask the class, run, and say whether the class was right, and why.

A card over the top of the views asks "Will it converge, oscillate or diverge?" with
three big answers. An answer starts the run (so does Run, without an answer). As the
steps come in, the run's behaviour is read from its trajectory
(:func:`gd_explorer.prediction.observe`); once it shows, or the run ends, the card
says what happened, whether the class was right, and why, with 1/L and 2/L.

The card is a child of the window, laid over its views but in no layout, so it never
moves anything else. Its type is the window's, larger, and follows the text size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gd_explorer.lessons import Lesson
from gd_explorer.prediction import (
    BEHAVIOURS,
    QUESTION,
    Behaviour,
    Verdict,
    observe,
    refusal,
    steepest_direction,
    verdict,
)
from gd_explorer.ui import style

if TYPE_CHECKING:
    from gd_explorer.ui.main_window import MainWindow

#: Sizes of the card's texts against the window's text.
QUESTION_FACTOR = 1.7
ANSWER_FACTOR = 1.6
HEADLINE_FACTOR = 1.5
TEXT_FACTOR = 1.15
#: An answer's height in lines of its text; lower where the card has too little room.
ANSWER_HEIGHT = 2.2
COMPACT_ANSWER_HEIGHT = 1.4
#: The card's widest, in average characters of its text: lines a class can follow.
CARD_CHARACTERS = 80
#: Steps after which a run is judged only once it ends.
JUDGE_STEPS = 200
#: Pixels kept clear between the card and the edges of the views.
MARGIN = 12

ANSWER_TEXT = {
    "converge": "Converge",
    "oscillate": "Oscillate",
    "diverge": "Diverge",
}
ANSWER_HINT = {
    "converge": "slides down to the bottom without crossing it",
    "oscillate": "jumps back and forth across the bottom, and settles",
    "diverge": "jumps further out each time: the cost blows up",
}


class PredictCard(QFrame):
    """The question with its three answers, or the verdict, on a framed card.

    Signals
    -------
    answered(str)
        An answer was clicked: ``"converge"``, ``"oscillate"`` or ``"diverge"``.
    closed()
        The card was closed (Not now, Close).
    askAgain()
        After a verdict: ask the same question again, for another try.
    """

    answered = Signal(str)
    closed = Signal()
    askAgain = Signal()
    #: The card's text took a new size: it needs its place and shape again.
    refitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("predictCard")
        self.setFrameShape(QFrame.Shape.Box)
        self.setLineWidth(3)
        self.setAutoFillBackground(True)
        self.question = QLabel(QUESTION)
        self.question.setObjectName("predictQuestion")
        self.question.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setObjectName("predictDetail")
        self.detail.setWordWrap(True)
        self.headline = QLabel()
        self.headline.setObjectName("predictVerdict")
        self.headline.setWordWrap(True)
        self.reason = QLabel()
        self.reason.setObjectName("predictWhy")
        self.reason.setWordWrap(True)
        self.answers: dict[str, QPushButton] = {}
        answers = QGridLayout()
        self._answers = answers
        self._columns = len(BEHAVIOURS)
        for behaviour in BEHAVIOURS:
            button = QPushButton(ANSWER_TEXT[behaviour])
            button.setObjectName(f"predict{ANSWER_TEXT[behaviour]}")
            button.setToolTip(f"It {ANSWER_HINT[behaviour]}: start the run")
            button.setAccessibleName(f"answer: {behaviour}")
            button.clicked.connect(lambda _=False, b=behaviour: self.answered.emit(b))
            answers.addWidget(button, 0, len(self.answers))
            self.answers[behaviour] = button
        self.again_button = QPushButton("Ask again")
        self.again_button.setObjectName("predictAgain")
        self.again_button.clicked.connect(self.askAgain)
        self.close_button = QPushButton("Not now")
        self.close_button.setObjectName("predictClose")
        self.close_button.clicked.connect(self.closed)
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(self.again_button)
        footer.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        self._layout = layout
        self._asking = False
        self._compact = False  # lower answers, where the card has too little room
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(self.question)
        layout.addWidget(self.headline)
        layout.addWidget(self.detail)
        layout.addWidget(self.reason)
        layout.addLayout(answers)
        layout.addLayout(footer)
        self.apply_theme(style.current_theme())
        self._follow_font()
        self.hide()

    def height_for(self, width: int, *, with_detail: bool = True, compact: bool = False) -> int:
        """Return the height the card needs at ``width``, its answers fitted to it.

        Without ``with_detail`` the run's settings under the question step aside, and
        ``compact`` answers are lower: very large text on a small screen has room for the
        question and its answers only.
        """
        self.detail.setVisible(self._asking and with_detail)
        if compact != self._compact:
            self._compact = compact
            self._size_answers()
        self.fit_answers(width)
        for layout in (self._answers, self._layout):
            layout.invalidate()  # measured afresh: the answers' rows and heights just changed
        height = self._layout.totalHeightForWidth(width)
        return height if height > 0 else self.sizeHint().height()

    def narrowest(self) -> int:
        """Return the least width that shows the answers, one under another."""
        margins = self._layout.contentsMargins()
        widest = max(button.sizeHint().width() for button in self.answers.values())
        return widest + margins.left() + margins.right() + 2 * self.frameWidth()

    def fit_answers(self, width: int) -> None:
        """Put the answers in as many columns as ``width`` holds: three, two or one.

        Large text on a small screen leaves the card too narrow for three big buttons in
        a row: side by side, the last one would be cut off.
        """
        margins = self._layout.contentsMargins()
        room = width - margins.left() - margins.right() - 2 * self.frameWidth()
        widest = max(button.sizeHint().width() for button in self.answers.values())
        spacing = max(self._answers.horizontalSpacing(), 0)
        columns = len(self.answers)
        while columns > 1 and columns * widest + (columns - 1) * spacing > room:
            columns -= 1
        if columns != self._columns:
            self._columns = columns
            for index, button in enumerate(self.answers.values()):
                self._answers.addWidget(button, *divmod(index, columns))

    def show_question(self, detail: str) -> None:
        """Ask, with ``detail`` (the run's settings) under the question."""
        self._mode(asking=True)
        self.detail.setText(detail)
        self.close_button.setText("Not now")

    def show_refusal(self, reason: str) -> None:
        """Say why this run cannot be predicted, and how to make one that can."""
        self._mode(asking=False)
        self.headline.setText("This run cannot be predicted from 1/L and 2/L")
        self.headline.setStyleSheet("")
        self.reason.setText(reason)
        self.again_button.hide()
        self.close_button.setText("Close")

    def show_verdict(self, result: Verdict) -> None:
        """Say what happened, whether the class was right, and why."""
        self._mode(asking=False)
        self.headline.setText(result.headline)
        theme = style.current_theme()
        if result.right is None:
            self.headline.setStyleSheet("")
        else:
            colour = theme.optimum_text if result.right else theme.error
            self.headline.setStyleSheet(f"color: {colour};")
        self.reason.setText(result.reason)
        self.again_button.show()
        self.close_button.setText("Close")

    def apply_theme(self, theme: style.Theme) -> None:
        """Frame the card in the theme's colours."""
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(theme.foreground))
        palette.setColor(QPalette.ColorRole.Window, QColor(theme.background))
        self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Follow the window's text size."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "reason"):
            self._follow_font()
            self.refitted.emit()

    def _mode(self, asking: bool) -> None:
        self._asking = asking
        self.question.setVisible(asking)
        for button in self.answers.values():
            button.setVisible(asking)
        self.detail.setVisible(asking)
        self.headline.setVisible(not asking)
        self.reason.setVisible(not asking)
        self.again_button.setVisible(False)

    def _follow_font(self) -> None:
        base = self.font()
        # Like the plots' text, the card stops growing at 150 %: larger, its question
        # and three answers no longer fit over the views of a 1280 x 800 screen.
        most = style.BASE_POINT_SIZE * style.PLOT_TEXT_MOST
        if base.pointSizeF() > most:
            base.setPointSizeF(most)
        for widget, factor, bold in (
            (self.question, QUESTION_FACTOR, True),
            (self.headline, HEADLINE_FACTOR, True),
            (self.detail, TEXT_FACTOR, False),
            (self.reason, TEXT_FACTOR, False),
            (self.again_button, TEXT_FACTOR, False),
            (self.close_button, TEXT_FACTOR, False),
            *((button, ANSWER_FACTOR, True) for button in self.answers.values()),
        ):
            font = widget.font()
            font.setPointSizeF(base.pointSizeF() * factor)
            font.setBold(bold)
            widget.setFont(font)
        self._size_answers()

    def _size_answers(self) -> None:
        share = COMPACT_ANSWER_HEIGHT if self._compact else ANSWER_HEIGHT
        for button in self.answers.values():
            button.setMinimumHeight(round(button.fontMetrics().height() * share))


class Predictor(QObject):
    """Ask before a run, watch it, and give the verdict (a part of the window).

    Signals
    -------
    verdictShown(object)
        The card shows this :class:`~gd_explorer.prediction.Verdict`.
    """

    verdictShown = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.card = PredictCard(window)
        #: "idle", "asking", "watching", "decided" (the run showed it, but goes on) or
        #: "shown" (the card says the verdict).
        self.phase = "idle"
        self.answer: Behaviour | None = None
        self.verdict: Verdict | None = None
        self._seen = 0
        explorer = window.explorer
        explorer.runStateChanged.connect(self._on_run_state)
        explorer.replayMoved.connect(self._on_progress)
        explorer.stateChanged.connect(self._on_state)
        self.card.answered.connect(self._on_answer)
        self.card.closed.connect(self.dismiss)
        self.card.askAgain.connect(self._ask_again)
        self.card.refitted.connect(self._refit)
        window.installEventFilter(self)
        dock = getattr(window, "lessons_dock", None)
        self._dock = dock
        if dock is not None:  # where the lessons panel lies over the views, the card moves aside
            dock.installEventFilter(self)

    # What the window calls.

    def ask(self) -> None:
        """Ask the class about the selected run before it starts (Run → Ask the class first)."""
        reason = self._refusal()
        if reason is not None:
            self.phase = "idle"
            self.card.show_refusal(reason)
            self._show_card()
            return
        self.answer, self.verdict = None, None
        self.phase = "asking"
        self.card.show_question(self._detail())
        self._show_card()

    def lesson_loaded(self, lesson: Lesson) -> None:
        """Ask when ``lesson`` is about a learning rate; otherwise put any question away."""
        if lesson.predict:
            self.ask()
        else:
            self.dismiss()

    def dismiss(self) -> None:
        """Put the card away and stop watching."""
        self.phase = "idle"
        self.card.hide()

    # Watching the run.

    def _on_answer(self, answer: str) -> None:
        if self.phase != "asking":
            return
        self.answer = answer  # type: ignore[assignment]
        self.card.hide()
        self._window.statusBar().showMessage(f"The class said: {answer}. Watch the ball.", 8000)
        explorer = self._window.explorer
        if not explorer.running:
            explorer.toggle_run()  # starts the run, or resumes a paused one
        self._watch()

    def _watch(self) -> None:
        self.phase = "watching"
        self._seen = 0
        self.card.hide()

    def _on_run_state(self, running: bool, live: bool) -> None:
        if self.phase == "asking" and running:
            self._watch()  # Run was pressed: it reveals without an answer
        if self.phase == "decided" and not running:
            self._reveal()  # ended or paused: time to read why
            return
        if self.phase != "watching":
            return
        trajectory = self._window.explorer.trajectory
        if trajectory is None or len(trajectory.cost) < 2:
            if not live:
                self.ask()  # reset before anything showed: ask again
            return
        if not live:
            self._judge(ended=True)

    def _on_progress(self, step: int, steps: int) -> None:
        # A constant rate on least squares shows oscillation or divergence within its first
        # few steps; past these, only the end can say more (and a long run is not copied
        # at every frame to find that out).
        if self._seen > JUDGE_STEPS:
            return
        if self.phase == "watching" and steps > self._seen and step == steps:
            self._seen = steps
            self._judge(ended=False)

    def _on_state(self, *_: object) -> None:
        if self.phase == "asking":
            reason = self._refusal()
            if reason is None:
                self.card.show_question(self._detail())
            else:
                self.card.show_refusal(reason)
                self.phase = "idle"
            self._place()

    def _judge(self, ended: bool) -> None:
        explorer = self._window.explorer
        trajectory = explorer.trajectory
        if trajectory is None:
            return
        config = trajectory.config
        analysis = explorer.analysis
        figures = analysis.stability
        reason = refusal(analysis.problem.kind, config, figures)
        if reason is not None or figures is None:
            self.phase = "idle"
            self.card.show_refusal(reason or "")
            self._show_card()
            return
        if trajectory.status == "failed":
            self.dismiss()  # the banner says why the run failed: there is nothing to judge
            return
        fixed = dict(config.fixed) if config.fixed else None
        happened = observe(
            trajectory.params,
            trajectory.cost,
            steepest_direction(analysis.problem, fixed),
            diverged=trajectory.status == "diverged" or trajectory.diverged_at is not None,
            ended=ended,
        )
        if happened is None and not ended:
            return
        self.verdict = verdict(self.answer, happened, config.learning_rate, figures, fixed)
        if explorer.running:
            # Said at once, shown in full once the run stops: the card would hide the run.
            self.phase = "decided"
            self._window.statusBar().showMessage(
                f"{self.verdict.headline} Why: when the run ends, or pause it (Space).", 0
            )
            return
        self._reveal()

    def _reveal(self) -> None:
        if self.verdict is None:
            return
        self.phase = "shown"
        self.card.show_verdict(self.verdict)
        self._show_card()
        self._window.statusBar().clearMessage()
        self.verdictShown.emit(self.verdict)

    def _ask_again(self) -> None:
        self._window.explorer.reset()
        self.ask()

    # Words and placing.

    def _refusal(self) -> str | None:
        analysis = self._window.explorer.analysis
        config = self._window.settings.config()
        return refusal(analysis.problem.kind, config, analysis.stability)

    def _detail(self) -> str:
        settings = self._window.settings
        config = settings.config()
        moving = (
            "the slope only" if config.fixed and "b" in config.fixed else "slope and intercept"
        )
        if config.fixed and "m" in config.fixed:
            moving = "the intercept only"
        return (
            f"Learning rate {config.learning_rate:g}, {config.steps:,} steps, {moving}. "
            "Decide together, then click the answer: the run starts. "
            "(Run starts it without an answer.)"
        )

    def _show_card(self) -> None:
        self.card.apply_theme(style.current_theme())  # the theme may have changed since
        self._place()
        self.card.show()
        self.card.raise_()

    def _refit(self) -> None:
        if self.card.isVisible():
            self._place()

    def _place(self) -> None:
        """Centre the card over the top of the views, as wide as reads well."""
        window = self._window
        central = window.centralWidget()
        if central is None:
            return
        area = central.geometry()
        # Over the views, below the read-out and the replay slider (the step and the
        # status stay in view), beside the controls.
        slider = window.replay_slider
        if slider.isVisible():
            corner = slider.mapTo(window, QPoint(0, slider.height()))
            area.setLeft(max(area.left(), corner.x()))
            area.setRight(min(area.right(), corner.x() + slider.width()))
            area.setTop(max(area.top(), corner.y()))
        dock = getattr(window, "lessons_dock", None)
        if dock is not None and dock.isVisible() and dock.isFloating():
            # On a small screen the lessons panel lies over the right of the views: the
            # card stays clear of it, or its last answer would be hidden under the panel.
            left = window.mapFromGlobal(dock.frameGeometry().topLeft()).x()
            if area.left() < left <= area.right():
                area.setRight(left - 1)
        surface = getattr(window, "surface", None)
        if surface is not None and surface.isVisible():
            # The 3-D view draws with OpenGL over anything laid on it: the card keeps to
            # its left (it sits at the top right of the views).
            left = surface.mapTo(window, QPoint(0, 0)).x()
            if area.left() < left <= area.right():
                area.setRight(left - 1)
        if area.width() - 2 * MARGIN < self.card.narrowest():
            # Very large text on a small screen leaves the views too narrow for the card:
            # it lies over the controls too while the class decides.
            area.setLeft(MARGIN)
        top = area.y() + MARGIN
        room = area.bottom() - top - MARGIN
        metrics = self.card.fontMetrics()

        def width_in(area: QRect) -> int:
            most = metrics.averageCharWidth() * CARD_CHARACTERS
            return max(min(area.width() - 2 * MARGIN, most), 1)

        width = width_in(area)
        height = self.card.height_for(width)
        if height > room and area.left() > MARGIN:
            area.setLeft(MARGIN)  # too tall: wider, over the controls, its answers side by side
            width = width_in(area)
            height = self.card.height_for(width)
        if height > room:
            height = self.card.height_for(width, with_detail=False)
        if height > room:
            height = self.card.height_for(width, with_detail=False, compact=True)
        height = min(height, room)
        x = area.x() + (area.width() - width) // 2
        self.card.setGeometry(x, top, width, max(height, 1))
        shape = self.card.layout()
        if shape is not None:
            shape.activate()  # its parts at once, in the shape just measured

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Keep the card in place when the window changes size or text size."""
        if watched is self._window and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.FontChange,
            QEvent.Type.LayoutRequest,
        ):
            self._refit()
        elif watched is self._dock and event.type() in (
            QEvent.Type.Move,
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.Hide,
        ):
            self._refit()
        return False


__all__ = ["PredictCard", "Predictor"]
