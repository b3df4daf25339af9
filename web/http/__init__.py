"""HTTP plumbing every handler shares: settings and state, query parameters, responses,
errors with their status, security headers. Imports nothing else of web/."""
