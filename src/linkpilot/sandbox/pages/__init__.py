"""HTML builders, one module per page family; plain f-strings, escaped at every hole."""
