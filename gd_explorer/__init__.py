"""Gradient Descent Explorer: watch gradient descent fit data you edit.

The package root imports nothing heavy, so ``gd_explorer.engine`` and
``gd_explorer.lessons`` load without Qt.
"""

__version__ = "0.1.0"
