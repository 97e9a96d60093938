"""Read-only queries of the core domain (selectors); views call these, never the ORM chains."""
