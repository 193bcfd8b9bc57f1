"""Normalization layers (`BatchNormalization`, `LayerNormalization`)."""
