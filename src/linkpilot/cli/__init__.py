"""The `linkpilot` commands that need no terminal UI (Textual is never imported here)."""
