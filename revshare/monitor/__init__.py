"""The Superchain monitor (see run.py)."""
