"""Controlling of the goal hierarchy: checks and reports over a body's goal catalog."""
