"""``python -m perfeval`` runs the command line."""
from .cli import main

main(prog_name="perfeval")
