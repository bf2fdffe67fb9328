"""Running Terraform on ``net/``: ``asml plan``, ``asml apply``, ``asml destroy``, ``asml outputs``.

:mod:`~asml.terraform.binary` finds Terraform; :mod:`~asml.terraform.stage` decides where each
stage keeps its state and how it reaches AWS (or a local AWS); :mod:`~asml.terraform.adapter`
is the one place that runs Terraform; :mod:`~asml.terraform.summary` turns a plan into words;
:mod:`~asml.terraform.deploy` puts them together.
"""
