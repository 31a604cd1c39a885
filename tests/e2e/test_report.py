"""The benefits report in a real browser: a partner admin opens it from the left navigation,
reads each chart through its table (the same figures as the drawing and as the data), and
downloads the figures as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Organization
from benefits.report import benefits_report
from benefits.views.report import CSV_COLUMNS, report_sections
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

# The figures each bar's text shows ("3 / 5" for a stacked bar), row by row, as read from the
# drawing itself: a row starts at its label (font-size 15), its bars' figures follow (14).
CHART_ROWS = """svg => {
  const rows = [];
  for (const text of svg.querySelectorAll(":scope > text")) {
    if (text.getAttribute("font-size") === "15") {
      rows.push({label: text.textContent, values: []});
    } else {
      const figures = text.textContent.split(" / ");
      rows.at(-1).values.push(...figures.map(v => Number(v.replace(/\\D/g, ""))));
    }
  }
  return rows;
}"""


def table_rows(table) -> list[tuple[str, list[int]]]:
    """Each body row of a table as (its row header, its figures)."""
    rows = []
    for row in table.locator("tbody tr").all():
        header = row.get_by_role("rowheader")
        label = (
            header.locator("time").get_attribute("datetime")
            if row.locator("time").count()
            else header.inner_text()
        )
        figures = [int(cell.replace(",", "")) for cell in row.get_by_role("cell").all_inner_texts()]
        rows.append((label, figures))
    return rows


def test_an_admin_reads_each_chart_as_a_table_and_downloads_the_figures(page, tmp_path):
    today = timezone.localdate()
    contoso = Organization.objects.get(mpn_id="4711001")
    sections = report_sections(benefits_report(organization=contoso, today=today))

    sign_in(page)
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Report"
    ).click()
    page.wait_for_url(f"**{reverse('benefits:report')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Benefits report")

    expected_csv = [[str(label) for label in CSV_COLUMNS]]
    for section in sections:
        heading, description = str(section.heading), str(section.description)
        # What the data says, in the page's words: months by their YYYY-MM.
        data = [
            (row.month.strftime("%Y-%m") if row.month else row.label, list(row.values))
            for row in section.rows
        ]
        assert data, f"the demo organization has figures for {heading}"

        chart = page.get_by_role("img", name=heading)
        expect(chart).to_have_accessible_name(f"{heading} {description}")
        table = page.get_by_role("table", name=heading)
        headers = table.get_by_role("columnheader").all_inner_texts()
        assert headers == [str(section.row_heading), *(str(name) for name in section.series)]
        # The legend under the chart names the same series as the table's columns.
        legend = page.locator(f"section[aria-labelledby='{section.id}-heading'] figcaption li")
        assert [item.strip() for item in legend.all_inner_texts()] == headers[1:]

        in_table = table_rows(table)
        assert in_table == data
        drawn = chart.evaluate(CHART_ROWS)
        assert [row["values"] for row in drawn] == [figures for _label, figures in in_table]
        # Month rows: the drawing and the table give the same month name.
        names = table.get_by_role("rowheader").all_inner_texts()
        assert [row["label"] for row in drawn] == names

        for row in section.rows:
            name = row.month.strftime("%Y-%m") if row.month else row.label
            for measure, value in zip(section.series, row.values, strict=True):
                expected_csv.append([heading, name, str(measure), str(value)])

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download CSV").click()
    download = downloading.value
    assert download.suggested_filename == "benefits-report.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert read_csv(saved) == expected_csv


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))
