"""The operator's side: the `linkpilot` CLI and the Textual console."""
