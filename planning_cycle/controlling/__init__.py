"""Controlling of the goal hierarchy: statuses and their roll-up, consistency checks.

The rules: docs/controlling.md (status, roll-up) and docs/consistency.md (checks).
"""
