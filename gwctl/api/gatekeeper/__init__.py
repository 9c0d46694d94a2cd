"""Vault Gatekeeper admin API: the client (client.py) and its write models (models.py)."""
