"""The ``hipcoach`` command line (Typer + Rich)."""
