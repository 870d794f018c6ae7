"""``python -m codekit`` runs the command line."""

from codekit._cli.main import run

run()
