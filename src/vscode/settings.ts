import * as vscode from 'vscode';

/** The extension's settings, typed. Every `practiceExplorer.*` setting is read here and nowhere else. */
export interface Settings {
  /** Site GUIDs or practice names (case-insensitive) where writes run without a confirmation. */
  writableSites: readonly string[];
}

const SECTION = 'practiceExplorer';

export function readSettings(): Settings {
  const configuration = vscode.workspace.getConfiguration(SECTION);
  const writableSites = configuration.get<unknown>('writableSites', []);
  return {
    writableSites: Array.isArray(writableSites) ? writableSites.filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '') : [],
  };
}

/** Fires when any of the extension's settings changes. */
export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(SECTION)) {
      listener();
    }
  });
}
