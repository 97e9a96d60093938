"""OParl JSON of each object type, from rows of `..selectors` (present rows only)."""
