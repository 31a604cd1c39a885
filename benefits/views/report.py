"""The benefits report: licenses, Azure credit seats and the year's expirations, each as a chart
drawn by the server and the same figures as a table; and the figures as CSV."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accounts.permissions import PortalRequest, benefits_access_required
from benefits.report import BenefitsReport, benefits_report
from benefits.report_charts import Chart, bar_chart
from common.pagecache import page_key
from common.spreadsheets import SpreadsheetWriter

# Longer product names are cut in the drawing; the table beside it gives them in full.
LABEL_CHARACTERS = 80


@dataclass(frozen=True)
class ReportRow:
    label: str
    month: date | None  # the month a row of expirations stands for
    values: tuple[int, ...]


@dataclass(frozen=True)
class ReportSection:
    """One part of the report: its chart, its legend and its table share these words."""

    id: str
    heading: Promise
    description: Promise  # what the chart shows, for those who don't see it
    row_heading: Promise
    series: tuple[Promise, ...]  # the legend, in the order of the values of each row
    rows: tuple[ReportRow, ...]
    stacked: bool
    empty: Promise

    @property
    def chart(self) -> Chart:
        labels = [Truncator(row.label).chars(LABEL_CHARACTERS) for row in self.rows]
        return bar_chart(
            [(label, row.values) for label, row in zip(labels, self.rows, strict=True)],
            stacked=self.stacked,
        )


def report_sections(report: BenefitsReport) -> list[ReportSection]:
    """The report's three parts, in the reader's language."""
    return [
        ReportSection(
            id="licenses",
            heading=_("Licenses redeemed and available"),
            description=_(
                "One bar per license-based benefit: the licenses of its redeemed keys, solid, "
                "then those of its keys still available, hatched."
            ),
            row_heading=_("Product"),
            series=(_("Licenses redeemed"), _("Licenses available")),
            rows=tuple(
                ReportRow(use.product, None, (use.redeemed, use.available))
                for use in report.licenses
            ),
            stacked=True,
            empty=_("No license-based benefit is current."),
        ),
        ReportSection(
            id="credits",
            heading=_("Azure credit seats assigned and free"),
            description=_(
                "One bar per Azure credit: its seats held by someone, solid, then its free "
                "seats, hatched."
            ),
            row_heading=_("Product"),
            series=(_("Seats assigned"), _("Seats free")),
            rows=tuple(
                ReportRow(use.product, None, (use.assigned, use.free)) for use in report.credits
            ),
            stacked=True,
            empty=_("No Azure credit is current."),
        ),
        ReportSection(
            id="expirations",
            heading=_("Expirations in the next 12 months"),
            description=_(
                "Two bars per month, this month first: the benefits that expire in it, solid, "
                "and the Active subscriptions that end in it, hatched."
            ),
            row_heading=_("Month"),
            series=(_("Benefits expiring"), _("Active subscriptions ending")),
            rows=tuple(
                ReportRow(
                    formats.date_format(month.month, "YEAR_MONTH_FORMAT"),
                    month.month,
                    (month.benefits, month.subscriptions),
                )
                for month in report.months
            ),
            stacked=False,
            empty=_("Nothing expires in the next 12 months."),
        ),
    ]


@require_safe
@benefits_access_required
def report(request: PortalRequest) -> HttpResponse:
    today = timezone.localdate()
    organization = request.organization
    context = {
        # Read only when the report is rendered, not when its cached copy is shown.
        "sections": SimpleLazyObject(
            lambda: report_sections(benefits_report(organization=organization, today=today))
        ),
        "today": today,
        "report_key": page_key(organization.pk, "report", today),
    }
    return render(request, "benefits/report.html", context)


CSV_COLUMNS = [_("Section"), _("Product or month"), _("Measure"), _("Number")]


@require_safe
@benefits_access_required
def report_csv(request: PortalRequest) -> HttpResponse:
    """The report's three tables in one sheet: a row per figure, months as YYYY-MM."""
    today = timezone.localdate()
    sections = report_sections(benefits_report(organization=request.organization, today=today))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="benefits-report.csv"'
    # A byte-order mark, so spreadsheet programs read the French accents as UTF-8.
    response.write("\ufeff")
    writer = SpreadsheetWriter(response)
    writer.writerow([str(label) for label in CSV_COLUMNS])
    for section in sections:
        for row in section.rows:
            name = row.month.strftime("%Y-%m") if row.month else row.label
            writer.writerows(_figures(section, name, row.values))
    return response


def _figures(section: ReportSection, name: str, values: Sequence[int]) -> list[list[object]]:
    return [
        [str(section.heading), name, str(measure), value]
        for measure, value in zip(section.series, values, strict=True)
    ]
