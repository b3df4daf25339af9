"""Prometheus remote write 1.0: receiving samples pushed by agents (Prometheus in agent mode,
Grafana Alloy, vmagent, ...) into the same write buffer as scraped ones."""
