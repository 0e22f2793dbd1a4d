; The Windows guest's installer (docs/windows.md), built on Linux with
; Debian's makensis by build.sh, which passes a folder with both arches'
; DLLs (x64\, x86\). A 32-bit program, so it runs on 32- and 64-bit Windows:
;   - 64-bit Windows: the 64-bit sglicd.dll into System32 (file-system
;     redirection off), the 32-bit one into SysWOW64, and the ICD registered
;     under OpenGLDrivers in both registry views (the 32-bit one is
;     Wow6432Node);
;   - 32-bit Windows: the 32-bit sglicd.dll into System32, one registration.
; The opengl32.dll fronts, for copying next to one application's .exe, go to
; the install folder (x64\, x86\) with the uninstaller. /S installs and
; uninstalls silently.
;
;   makensis -DSTAGE=DIR -DVERSION=V -DOUTFILE=FILE sglhost.nsi

Unicode true
!include x64.nsh
!include LogicLib.nsh

!define ICD_KEY "SOFTWARE\Microsoft\Windows NT\CurrentVersion\OpenGLDrivers\SGL"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\sglhost"

Name "libsglhost OpenGL driver ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\sglhost"
RequestExecutionLevel admin
ShowInstDetails show
Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

; The ICD's registration in the registry view chosen last (SetRegView):
; the DLL's name (found in the system directory of the application's
; arch), and the values Windows' opengl32 reads beside it.
!macro RegisterIcd
	WriteRegStr HKLM "${ICD_KEY}" "DLL" "sglicd"
	WriteRegDWORD HKLM "${ICD_KEY}" "DriverVersion" 1
	WriteRegDWORD HKLM "${ICD_KEY}" "Flags" 1
	WriteRegDWORD HKLM "${ICD_KEY}" "Version" 2
!macroend

Section "Install"
	${If} ${RunningX64}
		${DisableX64FSRedirection}
		SetOutPath "$WINDIR\System32"
		File "/oname=sglicd.dll" "${STAGE}/x64/sglicd.dll"
		${EnableX64FSRedirection}
		SetOutPath "$WINDIR\SysWOW64"
		File "/oname=sglicd.dll" "${STAGE}/x86/sglicd.dll"
		SetRegView 64
		!insertmacro RegisterIcd
		SetRegView 32
		!insertmacro RegisterIcd
		SetRegView 64
	${Else}
		SetOutPath "$SYSDIR"
		File "/oname=sglicd.dll" "${STAGE}/x86/sglicd.dll"
		!insertmacro RegisterIcd
	${EndIf}
	SetOutPath "$INSTDIR\x64"
	File "${STAGE}/x64/opengl32.dll"
	SetOutPath "$INSTDIR\x86"
	File "${STAGE}/x86/opengl32.dll"
	WriteUninstaller "$INSTDIR\uninstall.exe"
	WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "libsglhost OpenGL driver"
	WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
	WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
	WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
	WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

; A driver still loaded by a running program is removed at the next boot.
Section "Uninstall"
	${If} ${RunningX64}
		${DisableX64FSRedirection}
		Delete /REBOOTOK "$WINDIR\System32\sglicd.dll"
		${EnableX64FSRedirection}
		Delete /REBOOTOK "$WINDIR\SysWOW64\sglicd.dll"
		SetRegView 32
		DeleteRegKey HKLM "${ICD_KEY}"
		SetRegView 64
	${Else}
		Delete /REBOOTOK "$SYSDIR\sglicd.dll"
	${EndIf}
	DeleteRegKey HKLM "${ICD_KEY}"
	DeleteRegKey HKLM "${UNINSTALL_KEY}"
	Delete "$INSTDIR\x64\opengl32.dll"
	Delete "$INSTDIR\x86\opengl32.dll"
	Delete "$INSTDIR\uninstall.exe"
	RMDir "$INSTDIR\x64"
	RMDir "$INSTDIR\x86"
	RMDir "$INSTDIR"
SectionEnd
