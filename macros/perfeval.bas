Attribute VB_Name = "perfeval"
Option Explicit
' perfeval - the buttons of the self-evaluation workbook.
' RunRecalc is bound to the recalculation button on the cover and score sheets.
' It runs perfeval's recalculation through xlwings' RunPython (module "xlwings" in this
' project), which finds the calling workbook itself: the file may be renamed freely.
' Python and perfeval must be installed on this PC (the offline kit's install script, or
' "python -m perfeval setup-excel", tells xlwings where Python is).  Before calling RunPython, InterpreterReady checks that the
' interpreter xlwings will use exists and otherwise explains the setup in Chinese (this
' source stays ASCII: the Chinese text is built with ChrW; tests/test_vba_messages.py
' checks the text it builds).

Public Sub RunRecalc()
    If Not InterpreterReady() Then Exit Sub
    RunPython "import perfeval.excel; perfeval.excel.main()"
End Sub

' RunReport is bound to the report button on the cover: recalculate, save, draft the report
' (a .docx beside the workbook).
Public Sub RunReport()
    If Not InterpreterReady() Then Exit Sub
    RunPython "import perfeval.report.button; perfeval.report.button.main()"
End Sub

Private Function InterpreterReady() As Boolean
    Dim interp As String, folder As Variant, fso As Object
    #If Mac Then
        InterpreterReady = True
        Exit Function
    #End If
    ' Any failure of the check itself (Scripting.FileSystemObject blocked by policy, a config
    ' that cannot be read) leads to the setup help, never to a VBA runtime error.
    On Error GoTo CannotCheck
    Set fso = CreateObject("Scripting.FileSystemObject")
    interp = GetConfig("INTERPRETER_WIN", "")
    If interp = "" Then interp = GetConfig("INTERPRETER", "pythonw")
    If interp = "python" Or interp = "pythonw" Then
        For Each folder In Split(Environ("PATH"), ";")
            If folder <> "" Then
                If fso.FileExists(fso.BuildPath(folder, interp & ".exe")) Then
                    InterpreterReady = True
                    Exit Function
                End If
            End If
        Next folder
    ElseIf fso.FileExists(interp) Then
        InterpreterReady = True
        Exit Function
    End If
CannotCheck:
    On Error GoTo 0
    ShowSetupHelp
    InterpreterReady = False
End Function

Private Sub ShowSetupHelp()
    Dim msg As String, title As String
    msg = ""
    msg = msg & ChrW(&H672A) & ChrW(&H627E) & ChrW(&H5230) & ChrW(&H53EF) & ChrW(&H7528) & ChrW(&H7684)
    msg = msg & " Python" & ChrW(&HFF0C) & ChrW(&H65E0) & ChrW(&H6CD5) & ChrW(&H91CD) & ChrW(&H65B0)
    msg = msg & ChrW(&H8BA1) & ChrW(&H7B97) & ChrW(&H3002) & ChrW(&H8BF7) & ChrW(&H5728) & ChrW(&H672C)
    msg = msg & ChrW(&H673A) & ChrW(&H6309) & ChrW(&H4EE5) & ChrW(&H4E0B) & ChrW(&H6B65) & ChrW(&H9AA4)
    msg = msg & ChrW(&H8BBE) & ChrW(&H7F6E) & ChrW(&HFF1A) & vbLf & "1. " & ChrW(&H5B89)
    msg = msg & ChrW(&H88C5) & " Python 3.11" & ChrW(&H3001) & "3.12 " & ChrW(&H6216) & " 3.13"
    msg = msg & ChrW(&HFF08) & "64 " & ChrW(&H4F4D) & ChrW(&HFF0C) & "python.org" & ChrW(&HFF1B)
    msg = msg & ChrW(&H5B89) & ChrW(&H88C5) & ChrW(&H65F6) & ChrW(&H52FE) & ChrW(&H9009) & ChrW(&H201C)
    msg = msg & "Add python.exe to PATH" & ChrW(&H201D) & ChrW(&HFF09) & ChrW(&HFF1B) & vbLf & "2. "
    msg = msg & ChrW(&H53CC) & ChrW(&H51FB) & ChrW(&H5355) & ChrW(&H4F4D) & ChrW(&H63D0) & ChrW(&H4F9B)
    msg = msg & ChrW(&H7684) & " perfeval " & ChrW(&H79BB) & ChrW(&H7EBF) & ChrW(&H5B89) & ChrW(&H88C5)
    msg = msg & ChrW(&H5305) & ChrW(&H4E2D) & ChrW(&H7684) & ChrW(&H201C) & ChrW(&H5B89) & ChrW(&H88C5)
    msg = msg & ".cmd" & ChrW(&H201D) & ChrW(&HFF08) & ChrW(&H5B83) & ChrW(&H5B89) & ChrW(&H88C5)
    msg = msg & " perfeval " & ChrW(&H5E76) & ChrW(&H5B8C) & ChrW(&H6210) & ChrW(&H8BBE) & ChrW(&H7F6E)
    msg = msg & ChrW(&HFF09) & ChrW(&HFF1B) & ChrW(&H5DF2) & ChrW(&H5B89) & ChrW(&H88C5) & " perfeval "
    msg = msg & ChrW(&H7684) & ChrW(&H7535) & ChrW(&H8111) & ChrW(&HFF0C) & ChrW(&H5728) & ChrW(&H201C)
    msg = msg & ChrW(&H547D) & ChrW(&H4EE4) & ChrW(&H63D0) & ChrW(&H793A) & ChrW(&H7B26) & ChrW(&H201D)
    msg = msg & ChrW(&H4E2D) & ChrW(&H8FD0) & ChrW(&H884C) & ChrW(&HFF1A) & "python -m perfeval setup-excel" & vbLf
    msg = msg & "3. " & ChrW(&H5173) & ChrW(&H95ED) & ChrW(&H5E76) & ChrW(&H91CD) & ChrW(&H65B0)
    msg = msg & ChrW(&H6253) & ChrW(&H5F00) & ChrW(&H672C) & ChrW(&H5DE5) & ChrW(&H4F5C) & ChrW(&H7C3F)
    msg = msg & ChrW(&H3002) & vbLf & ChrW(&H4E0D) & ChrW(&H80FD) & ChrW(&H8FD0) & ChrW(&H884C)
    msg = msg & ChrW(&H5B8F) & ChrW(&H7684) & ChrW(&H7535) & ChrW(&H8111) & ChrW(&HFF08) & "WPS"
    msg = msg & ChrW(&H3001) & "LibreOffice" & ChrW(&H3001) & ChrW(&H5B8F) & ChrW(&H88AB) & ChrW(&H963B)
    msg = msg & ChrW(&H6B62) & ChrW(&HFF09) & ChrW(&HFF1A) & ChrW(&H628A) & ChrW(&H5DE5) & ChrW(&H4F5C)
    msg = msg & ChrW(&H7C3F) & ChrW(&H62D6) & ChrW(&H5230) & ChrW(&H684C) & ChrW(&H9762) & ChrW(&H4E0A)
    msg = msg & ChrW(&H7684) & ChrW(&H201C) & "perfeval " & ChrW(&H91CD) & ChrW(&H65B0) & ChrW(&H8BA1)
    msg = msg & ChrW(&H7B97) & ChrW(&H201D) & ChrW(&H56FE) & ChrW(&H6807) & ChrW(&H4E0A) & ChrW(&HFF0C)
    msg = msg & ChrW(&H6216) & ChrW(&H8FD0) & ChrW(&H884C) & " python -m perfeval recalc " & ChrW(&H672C) & ChrW(&H6587)
    msg = msg & ChrW(&H4EF6) & ChrW(&H3002)
    title = ""
    title = title & "perfeval " & ChrW(&H91CD) & ChrW(&H65B0) & ChrW(&H8BA1) & ChrW(&H7B97)
    MsgBox msg, vbExclamation, title
End Sub
