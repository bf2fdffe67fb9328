"""Engines and tools that asml installs, checks and repairs."""
