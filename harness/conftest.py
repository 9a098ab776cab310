"""pytest configuration of the harness: make harness/simlib importable."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
