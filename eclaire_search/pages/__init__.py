"""Server-rendered pages for people: search, study, API docs (Jinja2, no JavaScript needed)."""
