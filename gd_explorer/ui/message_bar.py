"""The status bar, whose messages wrap onto as many lines as they need.

Qt's own status bar draws a message on one line and cuts it at the window's edge:
the longest messages (why logistic regression could not take the data, and what was
loaded instead) are the ones that must be read whole. Here the message is a
word-wrapping label; ``showMessage``, ``clearMessage`` and ``currentMessage`` keep
Qt's meaning, so every caller and test of the status bar works as before.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

#: The most lines a message takes; a longer one is cut, and shown whole as a tooltip.
MAX_LINES = 4


class MessageBar(QStatusBar):
    """A status bar that shows its message whole, wrapped over lines when long.

    Parameters
    ----------
    parent : QWidget, optional
        The window.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setSizeGripEnabled(False)
        self.label = QLabel()
        self.label.setObjectName("statusMessage")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Its width is the bar's, never the window's: a long message wraps instead.
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.label.setSizePolicy(policy)
        self.addWidget(self.label, 1)
        self.label.installEventFilter(self)  # refit when the layout gives it a new width
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clearMessage)
        self._text = ""
        #: What the message is about (see :meth:`show_about`); None: nothing in particular.
        self._about: object = None

    def showMessage(self, text: str, timeout: int | None = 0) -> None:  # noqa: N802 - Qt's name
        """Show ``text`` whole for ``timeout`` milliseconds (0 or None: until replaced)."""
        self._about = None
        self._show(text, timeout or 0)

    def show_about(self, text: str, timeout: int, about: object) -> None:
        """Show ``text`` as a message about ``about`` (see :meth:`forget_unless`)."""
        self._show(text, timeout)
        self._about = about

    def forget_unless(self, still: Callable[[object], bool]) -> None:
        """Clear a message whose subject no longer holds (``still(about)`` is False)."""
        if self._text and self._about is not None and not still(self._about):
            self.clearMessage()

    def clearMessage(self) -> None:  # noqa: N802 - Qt's name
        """Remove the message."""
        self._timer.stop()
        self._about = None
        if self._text:
            self._text = ""
            self.label.clear()
            self._fit()
            self.messageChanged.emit("")

    def currentMessage(self) -> str:  # noqa: N802 - Qt's name
        """Return the message shown ("" when none)."""
        return self._text

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Wrap the message again when the label gets a new width."""
        # Qt may ask before the label exists (while the bar is being built).
        if watched is getattr(self, "label", None) and event.type() == QEvent.Type.Resize:
            self._fit()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """Wrap the message again for a new text size."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "label"):
            self._fit()

    def _show(self, text: str, timeout: int) -> None:
        self._timer.stop()
        changed = text != self._text
        self._text = text
        self.label.setText(text)
        self._fit()
        if timeout > 0:
            self._timer.start(timeout)
        if changed:
            self.messageChanged.emit(text)

    def _fit(self) -> None:
        """Give the label the height its wrapped lines need at its width."""
        label = self.label
        line = label.fontMetrics().lineSpacing()
        # Before the layout has given the label its width, one line: its resize refits.
        width = label.contentsRect().width()
        needed = line
        if self._text and width > 4 * line:
            # Not heightForWidth: a label's never falls below the minimum set here before.
            flags = int(Qt.TextFlag.TextWordWrap)
            box = label.fontMetrics().boundingRect(0, 0, width, 1 << 20, flags, self._text)
            needed = box.height()
        margins = label.height() - label.contentsRect().height()
        height = min(max(needed, line), MAX_LINES * line) + margins
        label.setToolTip(self._text if needed > height else "")
        if label.minimumHeight() != height:
            label.setMinimumHeight(height)
