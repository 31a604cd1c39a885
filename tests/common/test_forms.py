"""The portal's own select widgets (common/forms.py): Django's HTML, built without a template
loop over every option."""

from __future__ import annotations

import pytest
from django import forms

from common.forms import GroupedLongSelect, LongSelect, ReadyChoices


def test_a_long_select_escapes_every_label_and_marks_the_chosen_option():
    widget = LongSelect()
    widget.choices = [("", "All"), (1, "A & B"), (2, "<i>C</i>")]
    html = widget.render("benefit", 2)
    assert '<option value="">All</option>' in html
    assert '<option value="1">A &amp; B</option>' in html
    assert '<option value="2" selected>&lt;i&gt;C&lt;/i&gt;</option>' in html


def test_a_grouped_select_puts_each_group_in_an_optgroup():
    widget = GroupedLongSelect()
    widget.choices = [
        ("", "Choose"),
        ("<b>contoso</b>", [(1, "A & B"), (2, "C")]),
        ("fabrikam", [(3, "D")]),
    ]
    html = widget.render("subscription", 2)
    groups = html.split("<optgroup")
    assert '<option value="">Choose</option>' in groups[0]
    assert groups[1].startswith(' label="&lt;b&gt;contoso&lt;/b&gt;">')
    assert '<option value="1">A &amp; B</option>' in groups[1]
    assert '<option value="2" selected>C</option>' in groups[1]
    assert groups[2].startswith(' label="fabrikam">')
    assert '<option value="3">D</option>' in groups[2]
    assert html.count("</optgroup>") == 2


def test_ready_choices_are_taken_as_they_are_and_still_validate():
    grouped = [("", "Choose"), ("contoso", [(1, "A"), (2, "B")]), ("fabrikam", [(3, "C")])]
    field = forms.TypedChoiceField(coerce=int, required=False, widget=GroupedLongSelect())
    field.choices = grouped
    # A plain list is walked and copied, for the field and again for its widget.
    assert field.choices is not grouped
    assert field.widget.choices is not field.choices
    ready = ReadyChoices(grouped)
    field.choices = ready
    assert field.choices is ready
    assert field.widget.choices is ready
    assert field.clean("3") == 3
    assert field.clean("") == ""
    for unknown in ("4", "contoso"):
        with pytest.raises(forms.ValidationError) as refusal:
            field.clean(unknown)
        assert refusal.value.code == "invalid_choice"
    assert '<option value="2" selected>B</option>' in field.widget.render("s", 2)
