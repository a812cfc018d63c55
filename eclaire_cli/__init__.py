"""The ``eclaire`` command line: the one place that composes the ingest and the API.

It may import both sides (``eclaire serve`` starts the API, every other command runs the
ingest or operations); neither side imports it.
"""
