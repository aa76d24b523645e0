"""Django's PostgreSQL backend, with the health check of a busy connection skipped (see `base`)."""
