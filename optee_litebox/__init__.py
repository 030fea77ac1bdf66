"""optee-litebox: run unmodified OP-TEE trusted applications on a Python library OS."""

__version__ = "0.1.0"
