"""The web pages of consultation rounds, one module per part (each declares its `urls`)."""
