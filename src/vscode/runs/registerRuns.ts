import * as vscode from 'vscode';
import { DocumentMemory } from '../documents/documentMemory';
import { pickAndPinSite } from '../documents/documentSite';
import { FhirCodeLensProvider, FhirCompletionProvider, FhirDiagnostics } from '../documents/fhirDocuments';
import { DOCUMENT_COMMANDS, SqlCodeLensProvider, SqlFormattingProvider } from '../documents/sqlDocuments';
import { ResultsPanels } from '../results/resultsPanel';
import { RUN_COMMANDS } from '../sites/siteTypes';
import type { ActiveSite, QueryHistory, SiteDirectory } from '../sites/siteTypes';
import { FHIR_COMMANDS, FhirRuns } from './fhirRuns';
import { rerunHistoryEntry } from './historyRerun';
import { SQL_COMMANDS, SqlRuns } from './sqlRuns';
import type { SqlRunArgs } from './sqlRuns';

export interface RunDependencies {
  directory: SiteDirectory;
  activeSite: ActiveSite;
  history: QueryHistory;
  log: vscode.LogOutputChannel;
}

const SQL_SELECTOR: vscode.DocumentSelector = { language: 'sql' };
const FHIR_SELECTOR: vscode.DocumentSelector = { language: 'fhir' };

/**
 * Wires the documents-and-runs half: SQL and FHIR CodeLenses, completion and formatting, the run commands, the
 * results panels and the commands the tree invokes (`RUN_COMMANDS`). Everything it creates goes into
 * `context.subscriptions`; nothing here touches the network until a command runs.
 */
export function registerRuns(context: vscode.ExtensionContext, dependencies: RunDependencies): void {
  const { directory, activeSite, history, log } = dependencies;
  const memory = new DocumentMemory(context.workspaceState);
  const panels = new ResultsPanels(context.extensionUri, log);
  const services = { directory, activeSite, history, log, panels, memory };
  const sql = new SqlRuns(services);
  const fhir = new FhirRuns(services);
  const sqlLenses = new SqlCodeLensProvider(directory, activeSite, { run: SQL_COMMANDS.run, runAll: SQL_COMMANDS.run, pickCatalogue: SQL_COMMANDS.pickCatalogue }, (document, siteKey) =>
    memory.catalogue(document.uri, siteKey),
  );
  const fhirLenses = new FhirCodeLensProvider(directory, activeSite, FHIR_COMMANDS.run);
  const command = (id: string, run: (...args: never[]) => unknown): vscode.Disposable => vscode.commands.registerCommand(id, run);
  context.subscriptions.push(
    panels,
    sqlLenses,
    fhirLenses,
    new FhirDiagnostics(),
    vscode.languages.registerCodeLensProvider(SQL_SELECTOR, sqlLenses),
    vscode.languages.registerCodeLensProvider(FHIR_SELECTOR, fhirLenses),
    vscode.languages.registerDocumentFormattingEditProvider(SQL_SELECTOR, new SqlFormattingProvider()),
    vscode.languages.registerCompletionItemProvider(FHIR_SELECTOR, new FhirCompletionProvider(fhir), '?', '&', ':', ' ', '/'),
    command(SQL_COMMANDS.run, (args?: SqlRunArgs) => sql.run(args, 'immediate')),
    command(SQL_COMMANDS.runAsync, (args?: SqlRunArgs) => sql.run(args, 'async')),
    command(SQL_COMMANDS.runOnSites, (args?: SqlRunArgs) => sql.runOnSeveralSites(args)),
    command(SQL_COMMANDS.register, (args?: SqlRunArgs) => sql.registerQuery(args)),
    command(SQL_COMMANDS.pickCatalogue, async (args?: { uri?: string }) => {
      await sql.pickCatalogue(args);
      sqlLenses.refresh();
    }),
    command(DOCUMENT_COMMANDS.pickSite, async (args?: { uri?: string }) => {
      const document = args?.uri ? await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)) : vscode.window.activeTextEditor?.document;
      if (document) await pickAndPinSite(document, directory, activeSite);
    }),
    command(FHIR_COMMANDS.run, (args?: { uri?: string; index?: number }) => fhir.run(args)),
    command(RUN_COMMANDS.openFhirResource, (args: { siteKey: string; resourceType: string }) => fhir.openResourceType(args)),
    command(RUN_COMMANDS.showRegisteredQueryResult, (args: { siteKey: string; queryId: string; name: string }) => sql.showRegisteredQueryResult(args)),
    command(RUN_COMMANDS.rerunHistoryEntry, (args: { entryId: string }) => rerunHistoryEntry(services, args.entryId)),
  );
}
