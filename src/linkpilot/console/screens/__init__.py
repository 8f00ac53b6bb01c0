"""The console's screens: dashboard, contacts, log, and the modal dialogs."""
