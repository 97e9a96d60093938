"""The goal agreement per operative goal, department and cycle."""
