"""The API of consultation rounds, invitations, statements and dispositions.

Reads go through the access gate (what a user may not see is a 404), writes through the
consultation services, transitions through the transition service, as on the pages.
"""
