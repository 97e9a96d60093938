"""The server-rendered web pages; views read through selectors and write through services."""
