"""Terraform for a packaged project: the HCL in ``net/`` that calls the modules in ``modules/``.

:mod:`~asml.generate.resolve` decides every value (names, layers, IAM statements, routes);
:mod:`~asml.generate.render` lays them out with jinja2 templates; :mod:`~asml.generate.net`
writes ``net/`` without ever leaving it half-written.
"""
