"""python -m kinerja: the command line."""

from kinerja.cli import run

run()
