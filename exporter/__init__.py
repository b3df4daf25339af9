"""hostwatch's exporter: node_exporter-compatible host metrics on /metrics.

It stands alone: nothing here imports from ``scraper`` or ``web``, and it needs only the
base dependencies (psutil, prometheus-client, pyyaml, bcrypt).
"""

__version__ = "0.1.0"
