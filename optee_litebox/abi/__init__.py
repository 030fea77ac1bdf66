"""Numbers and layouts shared with OP-TEE. Imports nothing else from the package."""
