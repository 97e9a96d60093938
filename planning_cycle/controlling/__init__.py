"""Controlling: the status of indicators and measures and its roll-up (docs/controlling.md)."""
