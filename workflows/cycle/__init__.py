"""The planning cycle's own workflow: from phase to phase, moved by management."""
