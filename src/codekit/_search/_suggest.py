"""Placeholder."""

from __future__ import annotations


def suggest(*a: object, **k: object) -> None: ...
