"""State machines, the transition service, history and outbox."""
