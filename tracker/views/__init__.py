"""Patient pages, one module per page family; tracker/urls.py maps each URL to its view."""
