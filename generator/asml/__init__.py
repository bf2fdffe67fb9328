"""asml: WebAssembly serverless functions on AWS Lambda, managed with Terraform.

The pipeline shows in the package layout: ``manifest`` (read and validate the TOML the
user wrote) -> ``build`` -> ``package`` -> ``generate`` -> ``terraform``. ``scaffold``
creates and extends projects; ``cli`` is a thin click layer over all of it.
"""

__version__ = "0.1.0"
