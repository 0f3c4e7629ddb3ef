"""``python -m hipcoach`` runs the command line."""

from hipcoach.cli.entry import main

main()
