import * as vscode from 'vscode';
import { withSitePin } from '../../core/documents/sitePin';
import { pinValue } from '../documents/documentSite';
import { FHIR_COMMANDS } from './fhirRuns';
import type { RunServices } from './runServices';
import { SQL_COMMANDS } from './sqlRuns';

/**
 * Opens a history entry's request in a new untitled document of its language, pinned to the site it ran on, and runs
 * it there.
 */
export async function rerunHistoryEntry(services: RunServices, entryId: string): Promise<void> {
  const entry = services.history.entries().find((candidate) => candidate.id === entryId);
  if (!entry) {
    void vscode.window.showErrorMessage('That history entry is gone (the history was cleared or it grew past its limit).');
    return;
  }
  const site = services.directory.find(entry.siteKey);
  const pin = site ? pinValue(site, services.directory) : entry.siteKey;
  const document = await vscode.workspace.openTextDocument({ language: entry.language, content: withSitePin(entry.text, entry.language, pin) });
  await vscode.window.showTextDocument(document);
  const uri = document.uri.toString();
  if (entry.language === 'sql') {
    await vscode.commands.executeCommand(SQL_COMMANDS.run, { uri, all: true });
  } else {
    await vscode.commands.executeCommand(FHIR_COMMANDS.run, { uri, index: 0 });
  }
}
