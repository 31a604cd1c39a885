"""Forms of the benefits area (the redemption wizard's are in benefits.wizard.forms)."""

from __future__ import annotations

import re

from django import forms
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.selectors import PICKER_QUERY_MAX_LENGTH, parse_id
from benefits.models import Activity, BenefitType, Offer
from benefits.selectors import SORTABLE, BenefitListQuery, BenefitStatus, benefit_list
from common.forms import BootstrapFormMixin, LongSelect

SEARCH_MAX_LENGTH = 100
STATUS_CHOICES = [
    (BenefitStatus.ACTIVE, _("Active")),
    (BenefitStatus.EXPIRING, _("Expires within 30 days")),
    (BenefitStatus.EXPIRED, _("Expired")),
]


class BenefitListForm(forms.Form):
    """The Azure & Cloud list's URL parameters. A value that doesn't fit is dropped, so a
    mangled link still shows the list rather than an error."""

    q = forms.CharField(
        label=_("Search by product"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        strip=True,
        widget=forms.SearchInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    offer = forms.ChoiceField(
        label=_("Offer"),
        required=False,
        choices=[("", _("All offers")), *Offer.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    type = forms.ChoiceField(
        label=_("Benefit type"),
        required=False,
        choices=[("", _("All types")), *BenefitType.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *STATUS_CHOICES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, key) for name in SORTABLE for key in (name, f"-{name}")],
        widget=forms.HiddenInput,
    )

    @property
    def filter_dropped(self) -> bool:
        """A filter or search the address gives that the list can't use (an old or altered
        link): left out, which the page says. A sort that isn't one is the default order."""
        self.is_valid()
        return any(name in self.errors for name in ("q", "offer", "type", "status"))

    def to_query(self) -> BenefitListQuery:
        self.is_valid()
        valid = {name: value for name, value in self.cleaned_data.items() if value}
        return BenefitListQuery(
            sort=valid.get("sort", BenefitListQuery.sort),
            offer=valid.get("offer", ""),
            benefit_type=valid.get("type", ""),
            status=valid.get("status", ""),
            search=valid.get("q", ""),
        )


def query_params(query: BenefitListQuery) -> dict[str, str]:
    """The URL parameters that reproduce ``query`` (defaults left out)."""
    params = {
        "q": query.search,
        "offer": query.offer,
        "type": query.benefit_type,
        "status": query.status,
        "sort": "" if query.sort == BenefitListQuery.sort else query.sort,
    }
    return {name: value for name, value in params.items() if value}


# The activity log's date range: a date as the reader types it (%(example)s), then as ISO.
INVALID_DATE = _("Enter a date such as %(example)s or %(iso)s.")
# A program's dates are ISO whatever its Accept-Language (the API).
ISO_DATE_EXPECTED = _("Enter the date as YYYY-MM-DD, such as %(iso)s.")
NO_SUCH_DAY = _("There is no such day as %(date)s: check the day and the month.")
RANGE_REVERSED = _(
    "“To” is before “From” (%(start)s): choose a “To” date on or after it, or an earlier "
    "“From” date."
)


class CalendarDateField(forms.DateField):
    """A date field that tells a day the calendar hasn't, written as ISO (2026-02-30), from text
    that is no date: "Enter a date such as …" would send the person looking at the format. A
    day written the reader's way (31/03/2026 to an English reader) still gets the format: there
    the order of day and month is the likely mistake."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            text = str(value).strip()
            if ISO_SHAPED.fullmatch(text):
                raise forms.ValidationError(
                    NO_SUCH_DAY, code="no_such_day", params={"date": text}
                ) from None
            raise


ISO_SHAPED = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def invalid_date_message() -> str:
    """INVALID_DATE with today written the reader's way (the active language's first input
    format that isn't ISO: 11/30/2026 in English, 30/11/2026 in French) and as ISO, which is
    always accepted too (<input type="date"> sends it)."""
    today = timezone.localdate()
    iso = today.isoformat()
    written = (today.strftime(f) for f in formats.get_format("DATE_INPUT_FORMATS"))
    example = next((text for text in written if text != iso), iso)
    return str(INVALID_DATE) % {"example": example, "iso": iso}


class ActivityFilterForm(BootstrapFormMixin, forms.Form):
    """The activity log's filters. A kind or benefit that doesn't fit is ignored; a date range
    that doesn't is refused with a message, and the log is then shown without a range."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Activity.Kind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    benefit = forms.IntegerField(
        label=_("Benefit"), required=False, widget=LongSelect(attrs={"class": "form-select"})
    )

    def __init__(self, *args, organization, iso_dates: bool = False, **kwargs) -> None:
        """``iso_dates``: the range only as YYYY-MM-DD (the API), so that the same query
        means the same days in every language."""
        super().__init__(*args, **kwargs)
        self.organization = organization
        # Read only when the select is rendered (the page caches it), not to validate.
        self.fields["benefit"].widget.choices = lambda: [
            ("", _("All benefits")),
            *self.benefit_options,
        ]
        # "from" is a Python keyword: the fields are added under the names the address uses.
        # Typed in the reader's language (DATE_INPUT_FORMATS of the active language: English
        # 11/30/2026, French 30/11/2026) or as ISO, which <input type="date"> sends.
        invalid = invalid_date_message()
        if iso_dates:
            invalid = str(ISO_DATE_EXPECTED) % {"iso": timezone.localdate().isoformat()}
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name] = CalendarDateField(
                label=label,
                required=False,
                input_formats=["%Y-%m-%d"] if iso_dates else None,
                error_messages={"invalid": invalid},
                widget=forms.DateInput(
                    format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}
                ),
            )

    def clean(self) -> dict:
        super().clean()
        start, end = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        if start and end and end < start:
            self.add_error(
                "to", RANGE_REVERSED % {"start": formats.date_format(start, "SHORT_DATE_FORMAT")}
            )
        return self.cleaned_data

    @property
    def range_errors(self) -> bool:
        return bool(self.errors.get("from") or self.errors.get("to"))

    @property
    def choice_ignored(self) -> bool:
        """A kind or benefit the address names that isn't among the choices (an old link, or
        another organization's benefit): left out of the filters, which the page says."""
        return bool(self.errors.get("kind") or self.errors.get("benefit"))

    @cached_property
    def shown(self) -> ActivityFilterForm:
        """The filters as understood, for the page to show: what its cache key holds, so a
        value that was ignored is not shown as chosen. A refused range is shown as typed, with
        its message (the page renders it outside its cached copies)."""
        filters = self.filters()
        if self.range_errors:
            return self
        return ActivityFilterForm(
            initial={
                "kind": filters["kind"],
                "benefit": filters["benefit_id"],
                "from": filters["date_from"],
                "to": filters["date_to"],
            },
            organization=self.organization,
        )

    @cached_property
    def benefit_options(self) -> list[tuple[int, str]]:
        """(id, product name) of the organization's benefits, for the template's options: plain
        tuples, read only when the options are rendered rather than taken from the cache."""
        return list(benefit_list(organization=self.organization).values_list("pk", "product__name"))

    def clean_benefit(self) -> int | None:
        # Only the organization's own benefits can be chosen: another's id is simply ignored.
        chosen = self.cleaned_data["benefit"]
        if chosen is None:
            return None
        if not benefit_list(organization=self.organization).filter(pk=parse_id(chosen)).exists():
            raise forms.ValidationError(_("Choose one of your organization's benefits."))
        return chosen

    def filters(self) -> dict:
        """What the log is filtered by: kind, benefit, and the first and last day of the range
        (both or neither when either was refused)."""
        self.is_valid()
        dated = not self.range_errors
        return {
            "kind": self.cleaned_data.get("kind") or "",
            "benefit_id": self.cleaned_data.get("benefit"),
            "date_from": self.cleaned_data.get("from") if dated else None,
            "date_to": self.cleaned_data.get("to") if dated else None,
        }


class PickerSearchForm(forms.Form):
    """The people picker's search box. What it searches is read forgivingly from the address
    (accounts.selectors.picker_text); this form only draws the box, one per benefit's page."""

    q = forms.CharField(
        required=False,
        max_length=PICKER_QUERY_MAX_LENGTH,
        widget=forms.SearchInput(
            attrs={"class": "form-control", "autocomplete": "off", "autofocus": True}
        ),
    )

    def __init__(self, *args, benefit_id: int, **kwargs) -> None:
        kwargs["auto_id"] = f"picker-%s-{benefit_id}"
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["aria-describedby"] = f"picker-hint-{benefit_id}"
