"""gwctl: administer access and API gateways from one command line."""

__version__ = "0.1.0"
