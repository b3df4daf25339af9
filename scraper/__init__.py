"""hostwatch scraper: polls targets and stores their samples."""

from exporter import __version__

__all__ = ["__version__"]
