"""View models: what a page or an API answer shows, computed from storage (headline figures,
chart data, alerts, silences, units). No routes, no HTML."""
