"""``asml serve``: API Gateway HTTP API semantics on 127.0.0.1, over the Lambda runtime.

:mod:`~asml.serve.routes` matches requests to functions as API Gateway does;
:mod:`~asml.serve.events` builds payload 2.0 events and reads Lambda proxy responses;
:mod:`~asml.serve.auth` checks JWTs; :mod:`~asml.serve.workers` runs the functions in worker
processes (wasmer holds the GIL, so threads would run one guest at a time);
:mod:`~asml.serve.watch` rebuilds on save; :mod:`~asml.serve.server` ties them together.
"""
