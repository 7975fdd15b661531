"""Helpers for the translation tests: which English sentences a translated page still shows.

``english_leftovers(english_html, translated_html)`` compares the visible text
nodes of the same page rendered in English and in another language: a node
with words that reads the same in both is English that was not translated.
Names and numbers are not sentences: pass them in ``allowed`` (restaurant,
menu items, people) or they are skipped by rule (no letters, a single short
token such as a code, an e-mail address, a URL).
"""

import re
from html.parser import HTMLParser

# Words that are the same in English, German and French, or names of languages/the product.
ALWAYS_ALLOWED = {
    "QR Table Ordering",
    "English",
    "Deutsch",
    "Français",
    "EN",
    "DE",
    "FR",
    "OK",
    "E-Mail",
    "Total",
    "Service",
    "Restaurant",
    "Code",
    "PDF",
    "XML",
    "Allergens",
}

_SKIPPED_TAGS = {"script", "style", "noscript", "template", "title"}
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_MAILISH = re.compile(r"^\S+@\S+$|^https?://|^/")


class _TextNodes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self._skip += 1
        # Visible attribute text: placeholders, button values, image alternatives, labels.
        for name, value in attrs:
            if name in {"placeholder", "alt", "aria-label", "title"} and value:
                self.nodes.append(value)
            if name == "value" and tag == "input" and dict(attrs).get("type") in {"submit", "button"} and value:
                self.nodes.append(value)

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            text = " ".join(data.split())
            if text:
                self.nodes.append(text)


def visible_text_nodes(html: str) -> list[str]:
    parser = _TextNodes()
    parser.feed(html)
    return parser.nodes


def is_sentence(text: str, allowed: set[str]) -> bool:
    """Text that a translation must change: letters, not a name, not a lone code or address."""
    if text in allowed or text in ALWAYS_ALLOWED:
        return False
    if _MAILISH.match(text):
        return False
    words = [word for word in re.split(r"\s+", text) if _LETTERS.search(word)]
    if not words:
        return False
    # A single token of up to 3 letters is a code or unit ("VAT" counts: it must become "USt."/"TVA").
    return not (len(words) == 1 and len(_LETTERS.findall(words[0])) < 3)


LANGUAGE_SELF_NAMES = frozenset({"English", "Deutsch", "Français"})


def english_leftovers(
    english_html: str, translated_html: str, *, allowed: set[str] | frozenset = frozenset()
) -> list[str]:
    """English sentences of ``english_html`` that ``translated_html`` still shows unchanged.

    The switcher names each language in itself ("English", "Deutsch", "Français") on every page.
    """
    allowed = set(allowed) | LANGUAGE_SELF_NAMES
    english = {node for node in visible_text_nodes(english_html) if is_sentence(node, allowed)}
    return sorted(node for node in set(visible_text_nodes(translated_html)) if node in english)


def english_leftover_lines(
    english_text: str, translated_text: str, *, allowed: set[str] | frozenset = frozenset()
) -> list[str]:
    """The same for plain text (a PDF read back with pypdf): line by line."""
    allowed = set(allowed)
    english = {" ".join(line.split()) for line in english_text.splitlines()}
    english = {line for line in english if line and is_sentence(line, allowed)}
    translated = {" ".join(line.split()) for line in translated_text.splitlines()}
    return sorted(line for line in translated if line in english)
