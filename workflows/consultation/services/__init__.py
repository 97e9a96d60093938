"""Write services of consultation rounds (one module per part)."""
