"""The demo cluster (``manage.py load_demo``): builds on every app, so no app builds on it."""
