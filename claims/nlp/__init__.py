"""Claim extraction over plain text. Imports nothing from Django.

Offsets returned anywhere in this package are offsets into the caller's original text.
"""
