"""The English detector: the text a person sees or hears on a page or in a mail, and any
English in it that French would have said otherwise (a sentence of the catalogue, or a word
French never uses), outside what people typed in themselves."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

from accounts.models import DirectoryUser, Organization, Tenant, User
from benefits.models import Product

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "fr" / "LC_MESSAGES" / "django.po"
FRENCH = {"accept-language": "fr-FR,fr;q=0.9"}

# Words of the portal's English that French never uses. Words both languages share ("date",
# "page", "licence"…), names and abbreviations are left out on purpose.
ENGLISH_WORDS = frozenset(
    re.findall(
        r"[a-z]+",
        """the and of to your you with for this that these is are was were be been by from at it its
    not no yes if then than what which who when where why how will would can could should
    must may has have had do does done into out up down after before about
    view details assign assigned remove removed transfer transferred redeem redeemed key keys
    seat seats expires expired disabled status search next back sign apply
    reset show showing user users people person subscription subscriptions products benefits
    benefit activity credit credits monthly annual bulk month months year years day days today
    tenant tenants member guest holds holder nobody nothing change changed changes password
    choose validate review confirm cancel close open download quantity offer sort sorted
    new old add licenses left remaining end start home welcome help error errors try again
    again please enter select field required invalid wrong more less least most""",
    )
)
BRAND_NAMES = ["Partner Benefits", "Partner Center", "Azure AD", "Azure", "MPN"]
# Attributes that a person reads or hears.
SPOKEN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "data-error-message"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{?[^}]*\}?\}")
# Identifiers the portal makes up (message ids, tenant ids, keys) hold digits; letters between
# them ("msg_30be07…" holds "be") are not words of any language.
IDENTIFIER = re.compile(r"[\w-]*\d[\w-]*")


class VisibleText(HTMLParser):
    """The text of a page that a person sees or hears: text nodes outside scripts and styles,
    and the attributes screen readers speak."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._hidden += 1
        for name, value in attrs:
            if value and (name in SPOKEN_ATTRIBUTES or (name == "value" and tag == "button")):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(response) -> str:
    # The activity CSV streams: its lines can be read once.
    streamed = getattr(response, "streaming", False)
    content = (b"".join(response.streaming_content) if streamed else response.content).decode()
    if response["Content-Type"].startswith("text/csv"):
        return content
    return visible_text_of(content)


def visible_text_of(content: str) -> str:
    parser = VisibleText()
    parser.feed(content)
    return " ".join(" ".join(parser.parts).split())


def english_sentences() -> list[str]:
    """Pieces of the catalogue's English, three words or more, that French says otherwise."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    pieces = set()
    for message in catalogue:
        if not message.id or not isinstance(message.id, str) or message.string == message.id:
            continue
        for piece in PLACEHOLDER.split(html.unescape(message.id)):
            piece = " ".join(piece.split()).strip(" .,:;—()")
            if len(re.findall(r"[A-Za-z]{2,}", piece)) >= 3:
                pieces.add(piece)
    return sorted(pieces)


def typed_in_data() -> list[str]:
    """What people entered themselves, and the names of the product and its program, longest
    first so that no part of them is left behind."""
    values: set[str] = set(BRAND_NAMES)
    values |= set(Product.objects.values_list("name", flat=True))
    values |= set(Organization.objects.values_list("name", flat=True))
    for row in Tenant.objects.values_list("display_name", "primary_domain"):
        values |= set(row)
    for row in DirectoryUser.objects.values_list("display_name", "user_principal_name"):
        values |= set(row)
    for account in User.objects.values_list("email", "first_name", "last_name"):
        values |= set(account)
    return sorted((value for value in values if value), key=len, reverse=True)


def english_left(text: str, sentences: list[str], data: list[str]) -> list[str]:
    found = [f"catalogue: {sentence!r}" for sentence in sentences if sentence in text]
    for value in data:
        text = text.replace(value, " ")
    text = IDENTIFIER.sub(" ", text)
    words = {word.lower() for word in re.findall(r"[A-Za-z]+", text)}
    found += [f"word: {word!r}" for word in sorted(words & ENGLISH_WORDS)]
    return found
