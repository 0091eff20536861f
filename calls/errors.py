"""Errors that carry one clear line for the user."""

from __future__ import annotations


class InputError(Exception):
    """The input cannot be parsed; the message names the file and says why, in one line."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")
