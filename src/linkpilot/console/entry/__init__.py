"""The console's own commands (`console`, `demo`): the only ones that start Textual."""
