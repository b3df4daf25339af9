"""hostwatch scraper: polls targets and stores their samples."""
