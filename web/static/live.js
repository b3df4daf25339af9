// live updates: filled in by the stream step
