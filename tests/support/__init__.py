"""What tests share: factories, a small world of one body, web, API and workflow helpers.

Fixtures stay in the conftest.py files (pytest finds them there); they build on these.
"""
