"""hostwatch's exporter: node_exporter-compatible host metrics on /metrics.

It stands alone: nothing here imports the server side (``model``, ``scraper``, ``storage``,
``web``), and it needs only the base dependencies (psutil, prometheus-client, pyyaml, bcrypt).
What it shares with the server side (the version, the flag style, the metrics HTTP server)
lives in ``cli/``.
"""
