"""Pomerium Zero admin API: the client (client.py) and its write models (models.py)."""
