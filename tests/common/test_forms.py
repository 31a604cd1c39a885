"""The portal's own select widgets (common/forms.py): Django's HTML, built without a template
loop over every option."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override
from hypothesis import given
from hypothesis import strategies as st

from common.forms import GroupedLongSelect, LongSelect, ReadyChoices

# Any text a value or label may hold, markup and quotes included (no control characters,
# which no label has and the comparison below would not care about).
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)


def test_a_long_select_escapes_every_label_and_marks_the_chosen_option():
    widget = LongSelect()
    widget.choices = [("", "All"), (1, "A & B"), (2, "<i>C</i>")]
    html = widget.render("benefit", 2)
    assert '<option value="">All</option>' in html
    assert '<option value="1">A &amp; B</option>' in html
    assert '<option value="2" selected>&lt;i&gt;C&lt;/i&gt;</option>' in html


@given(
    choices=st.lists(st.tuples(TEXT, TEXT), unique_by=lambda choice: choice[0], max_size=6),
    group_names=st.lists(TEXT, min_size=1, max_size=3),
    chosen=TEXT,
)
def test_the_long_selects_give_the_html_of_djangos_select(choices, group_names, chosen):
    """Django's select, from its template loop, is the reference: the same options, escaped the
    same way, the chosen one marked; only the blank lines its template leaves differ. (Values
    are unique, as ids are: of two equal ones Django marks only the first.)"""
    groups = [(name, choices[index :: len(group_names)]) for index, name in enumerate(group_names)]
    for widget, given_choices in ((LongSelect(), choices), (GroupedLongSelect(), groups)):
        widget.choices = given_choices
        reference = forms.Select(choices=given_choices).render("field", chosen)
        assert widget.render("field", chosen) == reference.replace("\n\n", "\n")


def test_a_label_already_html_is_kept_and_a_translated_one_is_in_the_active_language():
    widget = LongSelect()
    widget.choices = [(1, mark_safe("A &amp; B")), (2, gettext_lazy("Benefits"))]
    with override("fr"):
        html = widget.render("benefit", None)
    assert '<option value="1">A &amp; B</option>' in html
    assert '<option value="2">Avantages</option>' in html


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
