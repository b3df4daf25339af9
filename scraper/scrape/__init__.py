"""Scraping, laid out like Prometheus's ``scrape/``: a manager reconciling the target set with
the config, one loop per target, and the target itself (identity, hashed offset, health)."""
