"""The benchmark's IOmod: hands the guest's bytes straight back."""

from asml_iomods import Iomod

iomod = Iomod("acme.bench.echo", version="0.1.0")


@iomod.call(blocking=False)
async def echo(data: bytes) -> bytes:
    return data


if __name__ == "__main__":
    iomod.run()
