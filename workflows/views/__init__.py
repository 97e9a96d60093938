"""The engine's web views: a workflow object's content page, its transitions, the generic page."""
