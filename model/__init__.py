"""What every part of hostwatch's server side agrees on, as Prometheus's ``model/`` is for it:
the error tree and the values that flow from the parser through the scraper into storage and
out to the web app. It imports nothing else of hostwatch."""
