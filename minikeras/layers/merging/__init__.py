"""Merging layers (`Add`, `Concatenate`...) and their functional forms."""
