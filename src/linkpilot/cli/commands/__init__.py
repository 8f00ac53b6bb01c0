"""One module per `linkpilot` subcommand group."""
