"""Dashboard, contacts and log widgets: each shows one immutable value it is handed."""
