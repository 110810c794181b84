"""``python -m copytrade.cli``: the same as the ``copytrade`` command."""

from copytrade.cli.app import main

main()
