from linkpilot.cli.main import entry

entry()
