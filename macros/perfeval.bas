Attribute VB_Name = "perfeval"
Option Explicit
' perfeval - the buttons of the self-evaluation workbook.
' RunRecalc is bound to the recalculation button on the cover and score sheets.
' It runs perfeval's recalculation through xlwings' RunPython (module "xlwings" in this
' project), which finds the calling workbook itself: the file may be renamed freely.
' Python and perfeval must be installed on this PC; "perfeval setup-excel" tells
' xlwings where Python is.

Public Sub RunRecalc()
    RunPython "import perfeval.excel; perfeval.excel.main()"
End Sub
