"""The portal's field markup (templates/_field.html) for forms the portal did not write, such as
django-allauth's: ``{% portal_field field %}`` renders a bound field as the portal's own."""

from __future__ import annotations

from django import forms, template
from django.utils.safestring import SafeString

from common.forms import BootstrapBoundField

register = template.Library()


@register.simple_tag
def portal_field(field: forms.BoundField) -> SafeString:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    # field.field is the form's own copy of the class's field: changing its widget is safe.
    classes = widget.attrs.get("class", "").split()
    if css not in classes:
        widget.attrs["class"] = " ".join([*classes, css])
    # allauth repeats each label as a placeholder; a label that vanishes on typing is no label.
    widget.attrs.pop("placeholder", None)
    return BootstrapBoundField(field.form, field.field, field.name).as_field_group()
