"""The admin's change forms as a browser would post them back."""

from __future__ import annotations

from html.parser import HTMLParser

from django.urls import reverse


class _FormValues(HTMLParser):
    """The values a browser would post for the page's main form, as the admin rendered it."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") not in {"submit", "button"}:
            if attributes.get("type") != "checkbox" or "checked" in attributes:
                # A checkbox without a value posts "on"; any other empty input posts "".
                empty = "on" if attributes.get("type") == "checkbox" else ""
                self.values.setdefault(name, []).append(attributes.get("value") or empty)
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attributes:
            self.values[self._select].append(attributes.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][0] += data


def change_form(client, model: str, pk: int) -> tuple[str, dict[str, list[str]]]:
    address = reverse(f"admin:{model}_change", args=[pk])
    parser = _FormValues()
    parser.feed(client.get(address).content.decode())
    parser.values.pop("_selected_action", None)
    return address, parser.values
