import * as path from 'path';
import type * as vscode from 'vscode';
import { isApiError } from '../../core/errors';
import type { DocumentMemory } from '../documents/documentMemory';
import type { ResultsPanels } from '../results/resultsPanel';
import type { ActiveSite, HistoryEntry, QueryHistory, SiteDirectory, SiteSummary } from '../sites/siteTypes';

/** What every kind of run needs, built once by `registerRuns`. */
export interface RunServices {
  directory: SiteDirectory;
  activeSite: ActiveSite;
  history: QueryHistory;
  log: vscode.LogOutputChannel;
  panels: ResultsPanels;
  memory: DocumentMemory;
}

/** The name a document goes by in titles: its file name, or "Untitled-1". */
export function documentLabel(document: vscode.TextDocument): string {
  return path.basename(document.uri.path) || document.uri.toString();
}

/** A short title for a run: the request's first line, cut to fit a panel header. */
export function runTitle(text: string): string {
  const firstLine = text.trim().split(/\r?\n/, 1)[0] ?? '';
  return firstLine.length > 80 ? `${firstLine.slice(0, 79)}…` : firstLine;
}

/** Records a finished run: the request and its outcome, never its rows. */
export function recordRun(
  services: RunServices,
  run: { site: SiteSummary; language: HistoryEntry['language']; text: string; startedAt: number; outcome: HistoryEntry['outcome']; rowCount?: number },
): void {
  services.history.add({
    id: `${run.startedAt.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    at: new Date(run.startedAt).toISOString(),
    siteKey: run.site.key,
    siteName: run.site.name,
    language: run.language,
    text: run.text,
    outcome: run.outcome,
    rowCount: run.rowCount,
    durationMs: Date.now() - run.startedAt,
  });
}

/** An error for the log: its kind, status and request, and the message (which never holds a secret). */
export function logLine(error: unknown): string {
  if (isApiError(error)) {
    return `${error.kind}${error.status ? ` ${error.status}` : ''}${error.request ? ` (${error.request})` : ''}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
