"""The server-rendered pages (HTML): fleet, server, explorer, alerts, login, account."""
