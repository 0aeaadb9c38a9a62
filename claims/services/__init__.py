"""Writes. Keyword-only functions named <entity>_<action>; views, API and commands call these."""
