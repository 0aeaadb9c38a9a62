"""A working copy of the text that spaCy segments well, with the same offsets as the original.

Every replacement maps one character to one character, so an offset into the working copy
is the same offset into the original: nothing needs mapping back.
"""

_ONE_FOR_ONE = str.maketrans(
    {
        "\u2019": "'",  # ’ right single quote, the French apostrophe
        "\u2018": "'",  # ‘
        "\u02bc": "'",  # ʼ modifier letter apostrophe
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u00a0": " ",  # no-break space (before French : ; ! ?)
        "\u202f": " ",  # narrow no-break space
        "\u2009": " ",  # thin space
        "\t": " ",
    }
)


def normalise(text: str) -> str:
    """Return a same-length copy with typographic quotes and spaces made plain."""
    return text.translate(_ONE_FOR_ONE)
