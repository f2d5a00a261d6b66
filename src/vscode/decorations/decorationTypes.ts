/**
 * Decoration types, created once at activation (creating them per update leaks and flickers).
 * The agent's lines get a diamond in the gutter (not a bar: bars are git's added/modified lines);
 * the lines of the step selected in the Replay view (the playhead) a filled one and a faint
 * background; the first line of each block an end-of-line note naming the step, which carries
 * the hover (VS Code gives extensions no hover on the gutter icon itself, microsoft/vscode#28080).
 */
import * as vscode from 'vscode';

export interface GutterDecorationTypes {
  agent: vscode.TextEditorDecorationType;
  playhead: vscode.TextEditorDecorationType;
  note: vscode.TextEditorDecorationType;
}

export function createGutterDecorationTypes(extensionUri: vscode.Uri): GutterDecorationTypes {
  const icon = (name: string) => vscode.Uri.joinPath(extensionUri, 'media', `${name}.svg`);
  return {
    agent: vscode.window.createTextEditorDecorationType({
      light: { gutterIconPath: icon('gutter-agent-light') },
      dark: { gutterIconPath: icon('gutter-agent-dark') },
      gutterIconSize: '80%',
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.infoForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    }),
    playhead: vscode.window.createTextEditorDecorationType({
      light: { gutterIconPath: icon('gutter-playhead-light') },
      dark: { gutterIconPath: icon('gutter-playhead-dark') },
      gutterIconSize: '90%',
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.warningForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    }),
    note: vscode.window.createTextEditorDecorationType({
      after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2.5em', fontStyle: 'italic' },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    }),
  };
}
