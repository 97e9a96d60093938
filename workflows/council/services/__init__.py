"""The council package's services: papers, their sequence, meetings and results."""
