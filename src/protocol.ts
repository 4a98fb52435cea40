/**
 * The messages between the extension host and the results webview, imported by both sides. Rows travel as page
 * bytes (UTF-8 JSON) in ArrayBuffers that own their memory; the webview parses them. Every message of a run carries
 * its `runId`, so a late message of a run the user already replaced is dropped rather than mixed into the new one.
 */

/** What a page's bytes hold: Halo rows (a JSON array of row objects) or a FHIR resource (a Bundle or one resource). */
export type PageFormat = 'rows' | 'fhir';

/** An output, input-output or return-value parameter the database handed back. */
export interface ParameterValue {
  name: string;
  direction: string;
  value: string | null;
}

/** How one site of a run on several sites went. */
export interface SiteOutcome {
  site: string;
  outcome: 'succeeded' | 'failed' | 'cancelled';
  rows?: number;
  /** The error, as a sentence, when it failed. */
  message?: string;
}

export interface RunSummary {
  /** Rows the host counted (the webview counts what it parsed too); absent when unknown. */
  rowCount?: number;
  /** Set for a nonQuery: "N rows affected". */
  rowsAffected?: number;
  pages: number;
  elapsedMs: number;
  parameters: readonly ParameterValue[];
  /** Things the user should know about how the run went, e.g. that it was re-run as an async query. */
  notes: readonly string[];
  sites?: readonly SiteOutcome[];
}

export type HostMessage =
  | { type: 'begin'; runId: number; title: string; site: string; format: PageFormat; startedAt: number }
  | { type: 'progress'; runId: number; text: string }
  | { type: 'page'; runId: number; pageNumber: number; bytes: ArrayBuffer }
  | { type: 'done'; runId: number; summary: RunSummary }
  | { type: 'failed'; runId: number; message: string; elapsedMs: number; cancelled: boolean };

export type WebviewMessage =
  | { type: 'ready' }
  /** A page the webview could not read: the host logs it (without its content). */
  | { type: 'pageError'; runId: number; pageNumber: number; message: string };
