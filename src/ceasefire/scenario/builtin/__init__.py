"""Built-in scenarios, shipped as package data (YAML)."""
