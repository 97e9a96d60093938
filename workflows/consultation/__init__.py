"""Stakeholder consultation rounds: invitations, statements and their evaluation (Abwägung)."""
