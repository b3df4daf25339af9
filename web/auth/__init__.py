"""Access control: users, sessions, API tokens, CSRF, login throttling, one central policy.

- :mod:`web.auth.policy` says what each route needs (GET: viewer, anything else: admin),
- :mod:`web.auth.access` enforces it for every request, before routing,
- :mod:`web.auth.pages` serves /login, /logout and /account.
"""
