"""Reshaping layers (`Flatten`, `Reshape`)."""
