"""Qt views and the main window; they draw what the engine computes."""

from gd_explorer.ui.main_window import MainWindow

__all__ = ["MainWindow"]
