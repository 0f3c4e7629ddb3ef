"""``python -m hipcoach`` runs the command line."""

from hipcoach.cli.app import main

main()
