"""Venues, events and performers: loading the catalog and searching it."""
