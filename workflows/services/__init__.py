"""Services of the workflows: the one transition service and what it calls."""
