; Inno Setup script: wraps the PyInstaller one-folder build (dist\tickerdesk) into a per-user installer
; with a Start-menu entry and an uninstaller. Build on Windows, from the repository root:
;   installer\build.sh (in Git Bash) or: pyinstaller installer\tickerdesk.spec
;   iscc /DAppVersion=0.1.0 installer\windows\tickerdesk.iss
; The user's data (%LOCALAPPDATA%\Tickerdesk) is not touched by the uninstaller.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6E0C5A7B-3F2D-4C8E-9B1A-5D7E2F4A9C31}
AppName=Tickerdesk
AppVersion={#AppVersion}
AppPublisher=Tickerdesk
DefaultDirName={autopf}\Tickerdesk
DefaultGroupName=Tickerdesk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=tickerdesk-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\build\icons\tickerdesk.ico
UninstallDisplayIcon={app}\tickerdesk.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Files]
Source: "..\..\dist\tickerdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Tickerdesk"; Filename: "{app}\tickerdesk.exe"
Name: "{group}\Uninstall Tickerdesk"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Tickerdesk"; Filename: "{app}\tickerdesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\tickerdesk.exe"; Description: "Start Tickerdesk"; Flags: nowait postinstall skipifsilent
