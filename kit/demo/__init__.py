"""The demo county and the writers that publish reports in the forms agencies use (text dumps, an
HTML page, DOCX): test data and demonstration, kept apart from the library they exercise. Shipped
with the kit, so that ``xxgk demo`` works from an installed kit."""
from .county import (DEPARTMENTS, GOV, PRINTED, RECIPE, SEEDED, YEARS, Published, county, expected_findings,
                     make_report, numbers, printed, registry, report_text, write_demo)

__all__ = ["DEPARTMENTS", "GOV", "PRINTED", "RECIPE", "SEEDED", "YEARS", "Published", "county", "expected_findings",
           "make_report", "numbers", "printed", "registry", "report_text", "write_demo"]
