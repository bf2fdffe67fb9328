"""Packaging for Lambda: deterministic function zips and layers, built before Terraform runs.

Nothing is built during ``terraform apply``: every zip exists, with its hash, before any HCL
names it, and the same inputs give the same bytes on any machine.
"""
