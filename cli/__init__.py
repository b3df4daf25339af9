"""What hostwatch's three programs share at their edges: the version, the command-line style
(``flags.py``) and serving a registry's ``/metrics`` over HTTP (``metrics.py``).

The exporter uses it too, so it needs only the base dependencies (the standard library and
prometheus-client) and imports nothing of hostwatch.
"""

__version__ = "0.1.0"
