"""Read selectors of consultation rounds (one module per part)."""
