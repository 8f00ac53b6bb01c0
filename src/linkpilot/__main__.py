from linkpilot.console.cli import entry

entry()
