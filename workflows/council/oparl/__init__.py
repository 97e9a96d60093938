"""OParl 1.1: the public, read-only interface of council information systems, at /oparl/v1/.

Nothing here writes: the views read through the selectors in `selectors.py`, which decide
what the public may see (public papers, their public files and items, persons who
consented); everything else is published as deleted (`{"deleted": true}`) or not at all.
"""
