"""The standard IOmods that are not tied to a cloud service: ``akkoro.std.*``."""
