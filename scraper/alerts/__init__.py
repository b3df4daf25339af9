"""Alerting in the scraper process: rules evaluated on every scrape, Alertmanager-compatible
notifications (see docs/alerts.md).

    config.load(path) -> AlertsConfig     alerts.yml, errors as file:line:column: message
    Evaluator                             alert states, inactive -> pending -> firing -> resolved
    Dispatcher                            routing, grouping, when each receiver is due
    Notifier                              bounded queue, retries, webhook and e-mail delivery
    AlertService                          all of it wired to a scraper: observe(record), run()

Modules: ``model`` (the values), ``sections``, ``config`` and ``routing`` (reading alerts.yml),
``defaults`` (built-in rules), ``matchers``, ``template``, ``derived`` (cpu/memory/filesystem
percentages), ``alert`` (labels, fingerprint, annotations), ``evaluator``, ``dispatch``,
``payload`` (Alertmanager's webhook JSON), ``webhook`` and ``mail`` (senders), ``notifier``,
``service``.
"""
