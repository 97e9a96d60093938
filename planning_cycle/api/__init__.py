"""The REST API (/api/v1/): authentication, errors, pagination and the URL tree.

Resources live with their apps (planning_cycle/api/, workflows/api/,
notifications/api.py) and call the same services and selectors as the pages.
"""
