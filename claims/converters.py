class IdConverter:
    """A primary key: digits that fit a 64-bit integer (a longer number is a 404, not a crash)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


MAX_ID = 10**18 - 1
