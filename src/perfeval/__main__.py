"""``python -m perfeval`` runs the command line."""
from .entry import run

run()
