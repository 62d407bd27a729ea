"""The 摸底表 (survey sheet) in Excel: import a filled one into a round, write a blank one for clerks to fill.

    survey_import(actor=..., round_=..., file_name=..., content=...) -> SurveyImport   (errors listed, nothing written; or counts)
    blank_sheet_xlsx(round_) -> bytes
"""

from warmwinter.surveys.imports.blank import blank_headers, blank_sheet_xlsx
from warmwinter.surveys.imports.importer import SurveyImport, ensure_can_respond, survey_import

__all__ = ["SurveyImport", "blank_headers", "blank_sheet_xlsx", "ensure_can_respond", "survey_import"]
