"""Access control: users, sessions, API tokens, CSRF, login throttling, one central policy.

- :mod:`web.auth.policy` says what each route needs (GET: viewer, anything else: admin),
- :mod:`web.auth.access` enforces it for every request, before routing,
- :mod:`web.pages.login` serves /login and /logout, :mod:`web.pages.account` the account page,
- :mod:`web.auth.commands` are the `user` and `token` commands of hostwatch-web.
"""
