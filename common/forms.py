"""How the portal's forms render (Bootstrap 5), for every app: widget attributes live in each
app's forms.py, the markup around them in templates/_form.html and templates/_field.html."""

from __future__ import annotations

import html

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import SafeString

FIELD_TEMPLATE = "_field.html"


class BootstrapBoundField(forms.BoundField):
    """A field with errors is marked the way Bootstrap shows it (``is-invalid``); Django itself
    adds ``aria-invalid`` and points ``aria-describedby`` at the help text and the errors.
    ``{{ field.as_field_group }}`` renders label, widget, errors and help as one group."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            base = (widget or self.field.widget).attrs.get("class", "")
            attrs["class"] = f"{base} is-invalid".strip()
        return attrs

    def as_field_group(self):
        # Field.template_name (Django 5.0) is missing from the stubs.
        return self.render(self.field.template_name or FIELD_TEMPLATE)  # type: ignore[attr-defined]


class BootstrapFormMixin:
    """``{{ form }}``: non-field errors as an alert, then each field as a Bootstrap group."""

    template_name = "_form.html"
    bound_field_class: type[forms.BoundField] | None = BootstrapBoundField


class CheckedByServiceChoiceField(forms.ChoiceField):
    """A choice whose service checks the value and names an unknown one with the known ones;
    Django's own check would say only "Select a valid choice", so the field checks presence."""

    def validate(self, value) -> None:
        forms.Field.validate(self, value)


class CheckedByServiceMultipleChoiceField(forms.MultipleChoiceField):
    """Choices the service checks, as CheckedByServiceChoiceField."""

    def validate(self, value) -> None:
        forms.Field.validate(self, value)


class ReadyChoices(BaseChoiceIterator):
    """Choices built already in Django's normal form: ``(value, label)`` pairs, and groups as
    ``(group label, [(value, label), …])``. Given a plain list, a ChoiceField and its widget
    each walk every option again to normalize it (a large organization's hundreds of
    subscriptions, twice on every form); an iterator of choices they take as it is."""

    def __init__(self, choices) -> None:
        self.choices = list(choices)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)


OPTION = '\n  <option value="{}"{}>{}</option>'
OPTION_GROUP = '\n  <optgroup label="{}">{}\n  </optgroup>'


def _escaped(text: object) -> str:
    """``text`` as Django's templates print it: left as it is when it says it is HTML already,
    escaped otherwise. The standard library's ``html.escape`` is what Django's ``escape`` runs,
    without the check for lazy strings around it, which costs as much as the escaping."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


class LongSelect(forms.Select):
    """A select of hundreds of plain options (a large organization's subscriptions, its
    benefits). The same HTML as Django's select, but its options are one string joined in
    Python, each value and label escaped as Django's templates escape them, instead of a
    template loop over one dict per option (once half of the redemption wizard's Choose step)
    or ``format_html`` per option (180 options: 2.3 ms that way, 0.6 ms this one)."""

    template_name = "widgets/long_select.html"

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)
        chosen = set(context["widget"]["value"])
        context["widget"]["options"] = self.options_html(self.choices, chosen)
        return context

    def options_html(self, choices, chosen: set[str]) -> SafeString:
        return SafeString(
            "".join(
                OPTION.format(
                    _escaped(option),
                    " selected" if str(option) in chosen else "",
                    _escaped(label),
                )
                for option, label in choices
            )
        )


class GroupedLongSelect(LongSelect):
    """A LongSelect whose choices come in groups, ``(group label, [(value, label), …])``, each
    an ``<optgroup>``; a choice that is no group (the empty one) stays a plain option."""

    def options_html(self, choices, chosen: set[str]) -> SafeString:
        return SafeString(
            "".join(self._entry(value, members, chosen) for value, members in choices)
        )

    def _entry(self, value, members, chosen: set[str]) -> str:
        if not isinstance(members, list | tuple):
            return super().options_html([(value, members)], chosen)
        options = super().options_html(members, chosen)
        # A group without a label is no group, as in Django's template.
        return OPTION_GROUP.format(_escaped(value), options) if value else options
