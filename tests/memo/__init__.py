"""A workflow that exists only in the tests: a two-state memo, declared in one place."""
