"""The council pages: papers, meetings and results for the council office and its readers."""
