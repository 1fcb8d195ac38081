"""staticapi: serve a must-gather as a read-only Kubernetes API."""

__version__ = "0.1.0"
