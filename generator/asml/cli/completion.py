"""``asml completion bash|zsh|fish``: the shell's completion script, from click's own."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

SHELLS = ("bash", "zsh", "fish")


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the script that completes asml's commands, options and choices in SHELL.

    \b
    Example:
      eval "$(asml completion bash)"     # in ~/.bashrc
      eval "$(asml completion zsh)"      # in ~/.zshrc
      asml completion fish | source     # in ~/.config/fish/config.fish
    """
    from asml.cli import cli

    script = get_completion_class(shell)
    assert script is not None  # every shell in SHELLS is one of click's
    click.echo(script(cli, {}, "asml", "_ASML_COMPLETE").source())
