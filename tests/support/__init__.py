"""Helpers that start real external processes (PgBouncer, the app server) for tests."""
