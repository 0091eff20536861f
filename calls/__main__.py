"""`python -m calls` runs the `calls` command."""

from calls.cli import main

main()
