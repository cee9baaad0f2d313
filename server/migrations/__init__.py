"""Schema migrations, applied in order at start-up (``server.core.migrations``)."""
