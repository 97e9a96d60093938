"""Write services of the core domain."""
