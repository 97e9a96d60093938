"""Template tags of the consultation pages."""
