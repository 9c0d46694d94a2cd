"""Profiles, paths, credentials and the token cache."""
