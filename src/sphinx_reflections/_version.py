"""The release number: its one source (pyproject reads it through the package)."""

__version__ = "0.1.0"
