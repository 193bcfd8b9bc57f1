"""Preprocessing layers (`Normalization`, `Rescaling`)."""
