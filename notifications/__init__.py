"""Deadlines, reminders, escalations, inbox, e-mail and calendar feeds."""
