"""Loader: bytes in, plain data out (signed header checks, ELF to a frozen load plan)."""
