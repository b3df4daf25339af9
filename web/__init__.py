"""hostwatch web: dashboards and the REST API."""
