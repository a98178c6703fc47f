"""The demo world: `loader` builds it through the real services; `manage.py demo` runs it."""
