"""How a person is named to other people: their full name, the username only as a fallback."""


def display_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
