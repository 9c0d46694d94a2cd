"""Shared API layer: HTTP transport, retries, auth strategies, paging and redaction."""
