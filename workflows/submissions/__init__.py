"""Per department and cycle: the goal review and the goal and budget plan."""
