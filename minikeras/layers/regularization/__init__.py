"""Regularization layers (`Dropout`)."""
