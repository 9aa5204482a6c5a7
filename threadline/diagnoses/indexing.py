"""How descriptions and queries become the words of the index: the one rule both sides share."""

from __future__ import annotations

from threadline.rules.codeset import words

# Words too common to narrow a search (each is in thousands of descriptions). They are left out
# of the index, and out of a query that has other words: "history of" searches "history".
STOP_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
)


def index_words(description: str) -> set[str]:
    """Return the words of a description the index keeps: "Post-traumatic" gives two."""
    return set(words(description)) - STOP_WORDS


def query_words(query: str) -> list[str]:
    """Return the words to search for, each a prefix; stop words only when nothing else is left."""
    found = list(dict.fromkeys(words(query)))
    return [word for word in found if word not in STOP_WORDS] or found
