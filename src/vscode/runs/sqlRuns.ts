import * as vscode from 'vscode';
import { checkParameterValue, findSqlParameters, toWireParameters } from '../../core/documents/sqlParameters';
import type { SqlParameterValue } from '../../core/documents/sqlParameters';
import { splitSqlStatements, statementAt } from '../../core/documents/sqlStatements';
import { isApiError } from '../../core/errors';
import type { Parameter, QueryRequest } from '../../core/haloConnect/wireTypes';
import { decodePage } from '../../core/results/decodePage';
import { returnedParameters } from '../../core/results/resultParameters';
import { describeError } from '../errorMessages';
import { documentSite, siteToRun } from '../documents/documentSite';
import { SITE_COMMANDS } from '../sites/siteCommandIds';
import type { SiteSummary, SiteTarget } from '../sites/siteTypes';
import { runOnSites } from './multiSiteRun';
import { confirmWrites, showRunError, withCancellableProgress } from './runSupport';
import { documentLabel, logLine, recordRun, runTitle } from './runServices';
import type { RunServices } from './runServices';
import { executeSql, TOO_LARGE_NOTE } from './sqlExecution';
import type { SqlRunMode } from './sqlExecution';
import { pmsLabel } from './writeGuard';
import type { PlannedRun } from './writeGuard';

/** The SQL commands, shared with package.json (keybindings, menus) and the CodeLenses. */
export const SQL_COMMANDS = {
  run: 'practiceExplorer.runSql',
  runAsync: 'practiceExplorer.runSqlAsync',
  runOnSites: 'practiceExplorer.runSqlOnSites',
  register: 'practiceExplorer.registerQuery',
  pickCatalogue: 'practiceExplorer.pickCatalogue',
} as const;

/**
 * What to run, from a CodeLens or a retry: a document and a span of it (UTF-16 offsets), or all of it. Without
 * arguments a command runs the active editor's selection, else the statement under the cursor.
 */
export interface SqlRunArgs {
  uri?: string;
  start?: number;
  end?: number;
  all?: boolean;
}

interface SqlToRun {
  document: vscode.TextDocument;
  text: string;
  start: number;
  end: number;
}

/** Registered queries run every `frequency` seconds for `duration` seconds; Halo caps duration at 24 hours. */
const MIN_FREQUENCY_SECONDS = 60;
const MAX_DURATION_SECONDS = 86_400;

/** Runs SQL documents on Halo sites: one site, several, or as a registered query. */
export class SqlRuns {
  constructor(private readonly services: RunServices) {}

  async run(args: SqlRunArgs | undefined, mode: SqlRunMode): Promise<void> {
    const sql = await sqlToRun(args);
    const site = sql && (await siteToRun(sql.document, this.services.directory, this.services.activeSite));
    if (!sql || !site) return;
    const catalogue = await this.chooseCatalogue(sql.document, site);
    if (catalogue === null) return;
    const parameters = await this.askParameters(sql.document, sql.text);
    if (!parameters) return;
    const plan = await planSql(sql.text);
    if (!(await confirmWrites([site], plan))) return;
    const request: QueryRequest = { command: { text: sql.text, executionMode: plan.executionMode, parameters }, catalogue };
    const { panels, log, directory } = this.services;
    const sink = panels.begin(sql.document.uri.toString(), documentLabel(sql.document), { title: runTitle(sql.text), site: site.name, format: 'rows' });
    const startedAt = Date.now();
    log.info(`SQL on ${site.name} [${site.key}]: ${mode}, ${plan.executionMode}, ${sql.text.length} characters, ${parameters.length} parameters${catalogue ? `, catalogue ${catalogue}` : ''}.`);
    try {
      const outcome = await withCancellableProgress(`${site.name}: running SQL`, async (signal, report) => {
        const target = haloTarget(await directory.connect(site, signal));
        return executeSql(target.client, target.siteId, request, {
          mode,
          signal,
          onProgress: (text) => {
            report(text);
            sink.progress(text);
          },
          onPage: (bytes) => sink.page(bytes),
        });
      });
      sink.done({ ...outcome, elapsedMs: Date.now() - startedAt });
      log.info(`SQL on ${site.name} finished: ${outcome.rowsAffected !== undefined ? `${outcome.rowsAffected} rows affected` : `${outcome.rowCount ?? '?'} rows`}, ${outcome.pages} pages, ${outcome.mode}.`);
      for (const note of outcome.notes) log.info(note);
      recordRun(this.services, { site, language: 'sql', text: sql.text, startedAt, outcome: 'succeeded', rowCount: outcome.rowCount ?? outcome.rowsAffected });
    } catch (error) {
      const retry = { title: 'Retry', command: mode === 'async' ? SQL_COMMANDS.runAsync : SQL_COMMANDS.run, args: [{ uri: sql.document.uri.toString(), start: sql.start, end: sql.end }] };
      this.failed(error, site, startedAt, sql.text, sink.failed, retry);
    }
  }

  /** Runs the same SQL on several sites of one PMS type at once, into one result with a `site` column. */
  async runOnSeveralSites(args: SqlRunArgs | undefined): Promise<void> {
    const sql = await sqlToRun(args);
    if (!sql) return;
    const sites = await this.pickSites(sql.document);
    if (!sites) return;
    const parameters = await this.askParameters(sql.document, sql.text);
    if (!parameters) return;
    const plan = await planSql(sql.text);
    if (!(await confirmWrites(sites, plan))) return;
    const { panels, log, directory, memory } = this.services;
    const labels = siteLabels(sites);
    const title = `${sites.length} ${pmsLabel(sites[0].pms)} sites`;
    const sink = panels.begin(sql.document.uri.toString(), documentLabel(sql.document), { title: runTitle(sql.text), site: title, format: 'rows' });
    const startedAt = Date.now();
    const notes: string[] = [];
    let pages = 0;
    log.info(`SQL on ${sites.length} sites (${sites.map((site) => site.key).join(', ')}): ${sql.text.length} characters.`);
    const outcomes = await withCancellableProgress(`Running SQL on ${title}`, (signal, report) => {
      let settled = 0;
      return runOnSites(
        sites.map((site, index) => ({
          site: labels[index],
          run: async (siteSignal, onPage) => {
            const target = haloTarget(await directory.connect(site, siteSignal));
            const catalogue = memory.catalogue(sql.document.uri, site.key) ?? defaultCatalogue(site);
            const request: QueryRequest = { command: { text: sql.text, executionMode: plan.executionMode, parameters }, catalogue };
            const outcome = await executeSql(target.client, target.siteId, request, { mode: 'immediate', signal: siteSignal, onPage });
            if (outcome.notes.includes(TOO_LARGE_NOTE)) notes.push(`${labels[index]}: ${TOO_LARGE_NOTE}`);
            return { rowCount: outcome.rowCount ?? outcome.rowsAffected };
          },
        })),
        {
          signal,
          onPage: (bytes) => {
            pages++;
            sink.page(bytes);
          },
          onSiteSettled: (outcome) => {
            settled++;
            const text = `${settled} of ${sites.length} sites done (${outcome.site}: ${outcome.outcome})`;
            report(text);
            sink.progress(text);
            log.info(`SQL on ${outcome.site}: ${outcome.outcome}${outcome.message ? ` — ${outcome.message}` : ''}`);
          },
          describe: (error) => describeError(error).message,
        },
      );
    });
    const rowCount = outcomes.reduce((sum, outcome) => sum + (outcome.rows ?? 0), 0);
    sink.done({ rowCount, pages, elapsedMs: Date.now() - startedAt, parameters: [], notes, sites: outcomes });
    sites.forEach((site, index) => {
      const outcome = outcomes[index];
      recordRun(this.services, { site, language: 'sql', text: sql.text, startedAt, outcome: outcome.outcome, rowCount: outcome.rows });
    });
    const failed = outcomes.filter((outcome) => outcome.outcome === 'failed');
    if (failed.length > 0) {
      void vscode.window.showWarningMessage(`${failed.length} of ${sites.length} sites failed: ${failed.map((outcome) => outcome.site).join(', ')}. The results panel says why.`);
    }
  }

  /** Registers the SQL as a Halo registered query on the document's site, after asking for its frequency and duration. */
  async registerQuery(args: SqlRunArgs | undefined): Promise<void> {
    const sql = await sqlToRun(args);
    const site = sql && (await siteToRun(sql.document, this.services.directory, this.services.activeSite));
    if (!sql || !site) return;
    const name = await vscode.window.showInputBox({
      title: `Register a query on ${site.name} (1/3)`,
      prompt: 'A name for the registered query',
      value: documentLabel(sql.document).replace(/\.sql$/i, ''),
      validateInput: (value) => (value.trim() === '' ? 'The query needs a name.' : undefined),
    });
    if (name === undefined) return;
    const frequency = await askSeconds(`Register a query on ${site.name} (2/3)`, 'How often it runs, in seconds', '3600', MIN_FREQUENCY_SECONDS, MAX_DURATION_SECONDS);
    if (frequency === undefined) return;
    const duration = await askSeconds(`Register a query on ${site.name} (3/3)`, 'How long it keeps running, in seconds (at most 24 hours)', '86400', 1, MAX_DURATION_SECONDS);
    if (duration === undefined) return;
    const parameters = await this.askParameters(sql.document, sql.text);
    if (!parameters) return;
    const plan = await planSql(sql.text);
    if (!(await confirmWrites([site], plan))) return;
    try {
      const id = await withCancellableProgress(`${site.name}: registering "${name.trim()}"`, async (signal) => {
        const target = haloTarget(await this.services.directory.connect(site, signal));
        return target.client.createRegisteredQuery(
          target.siteId,
          { name: name.trim(), registeredQueryType: 'query', frequency, duration, registerCommand: { command: { text: sql.text, executionMode: plan.executionMode, parameters } } },
          signal,
        );
      });
      this.services.log.info(`Registered query ${id} "${name.trim()}" on ${site.name}: every ${frequency} s for ${duration} s.`);
      await vscode.commands.executeCommand(SITE_COMMANDS.refresh);
      void vscode.window.showInformationMessage(`Registered "${name.trim()}" on ${site.name}: it runs every ${frequency} s for ${duration} s. Its results appear under Registered queries.`);
    } catch (error) {
      this.services.log.error(`Registering a query on ${site.name} failed: ${logLine(error)}`);
      if (!isApiError(error, 'cancelled')) await showRunError(error, { site });
    }
  }

  /** Shows the latest result of a registered query in its own panel. */
  async showRegisteredQueryResult(args: { siteKey: string; queryId: string; name: string }): Promise<void> {
    const site = this.services.directory.find(args.siteKey);
    if (!site) {
      void vscode.window.showErrorMessage(`The site of the registered query "${args.name}" is no longer among your sites.`);
      return;
    }
    const sink = this.services.panels.begin(`registered:${site.key}/${args.queryId}`, args.name, { title: `Registered query "${args.name}"`, site: site.name, format: 'rows' });
    const startedAt = Date.now();
    try {
      const result = await withCancellableProgress(`${site.name}: latest result of "${args.name}"`, async (signal) => {
        const target = haloTarget(await this.services.directory.connect(site, signal));
        return target.client.getRegisteredQueryResult(target.siteId, args.queryId, signal);
      });
      sink.page(decodePage(result.data ?? ''));
      sink.done({ rowCount: result.rows, pages: 1, elapsedMs: Date.now() - startedAt, parameters: returnedParameters(result.parameters), notes: [] });
    } catch (error) {
      const description = describeError(error, { site });
      sink.failed(description.message, isApiError(error, 'cancelled'));
      this.services.log.warn(`Latest result of registered query ${args.queryId} on ${site.name}: ${logLine(error)}`);
    }
  }

  /** Asks which catalogue the document uses on its site (a site with several), and remembers it. */
  async pickCatalogue(args: { uri?: string } | undefined): Promise<void> {
    const document = await documentFor(args?.uri);
    const site = document && (await siteToRun(document, this.services.directory, this.services.activeSite));
    if (!document || !site) return;
    if (site.catalogues.length < 2) {
      void vscode.window.showInformationMessage(`${site.name} has ${site.catalogues.length === 1 ? 'one catalogue' : 'no catalogues listed'}: there is nothing to choose.`);
      return;
    }
    await this.askCatalogue(document, site);
  }

  /** The catalogue to run in: none to choose, the remembered one, or the user's pick. Null when dismissed. */
  private async chooseCatalogue(document: vscode.TextDocument, site: SiteSummary): Promise<string | undefined | null> {
    if (site.catalogues.length < 2) return site.catalogues[0]?.name;
    const remembered = this.services.memory.catalogue(document.uri, site.key);
    if (remembered && site.catalogues.some((catalogue) => catalogue.name === remembered)) return remembered;
    return (await this.askCatalogue(document, site)) ?? null;
  }

  private async askCatalogue(document: vscode.TextDocument, site: SiteSummary): Promise<string | undefined> {
    const ordered = [...site.catalogues].sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
    const picked = await vscode.window.showQuickPick(
      ordered.map((catalogue) => ({ label: catalogue.name, description: catalogue.isDefault ? 'default' : undefined })),
      { title: `Catalogue on ${site.name} for ${documentLabel(document)}`, placeHolder: 'The database this document runs in (remembered for this document)' },
    );
    if (!picked) return undefined;
    await this.services.memory.rememberCatalogue(document.uri, site.key, picked.label);
    return picked.label;
  }

  /** Prompts for each `@name` the SQL uses without declaring, with its inferred type. Undefined when dismissed. */
  private async askParameters(document: vscode.TextDocument, text: string): Promise<Parameter[] | undefined> {
    const found = findSqlParameters(text);
    const values: SqlParameterValue[] = [];
    for (const [index, parameter] of found.entries()) {
      const typed = await vscode.window.showInputBox({
        title: `${parameter.name} (${parameter.type}) — parameter ${index + 1} of ${found.length}`,
        prompt: `A value for ${parameter.name}, sent as ${parameter.type}. Type NULL for SQL NULL.`,
        value: this.services.memory.parameter(document.uri, parameter.name) ?? '',
        ignoreFocusOut: true,
        validateInput: (value) => checkParameterValue(parameter.type, parameterValue(value)),
      });
      if (typed === undefined) return undefined;
      values.push({ ...parameter, value: parameterValue(typed) });
    }
    if (values.length > 0) {
      await this.services.memory.rememberParameters(document.uri, Object.fromEntries(values.map((value) => [value.name, value.value ?? 'NULL'])));
    }
    return toWireParameters(values);
  }

  /** Sites of one PMS type, picked by the user; the document's own site comes preselected. */
  private async pickSites(document: vscode.TextDocument): Promise<SiteSummary[] | undefined> {
    const { directory, activeSite } = this.services;
    const candidates = directory.list().filter((site) => site.supports.sql);
    const types = [...new Set(candidates.map((site) => site.pms))];
    if (types.length === 0) {
      void vscode.window.showErrorMessage('No site can run SQL yet: add a Halo Connect connection, or use the Sandbox.');
      return undefined;
    }
    const current = documentSite(document, directory, activeSite);
    const currentSite = current.kind === 'pinned' || current.kind === 'active' ? current.site : undefined;
    let pms = types[0];
    if (types.length > 1) {
      const picked = await vscode.window.showQuickPick(
        types.map((type) => ({ label: pmsLabel(type), type, description: `${candidates.filter((site) => site.pms === type).length} sites` })),
        { title: 'Run on several sites (1/2): which practice system?', placeHolder: 'Sites of one practice system share a schema, so one query fits them all' },
      );
      if (!picked) return undefined;
      pms = picked.type;
    }
    const ofType = candidates.filter((site) => site.pms === pms);
    const picked = await vscode.window.showQuickPick(
      ofType.map((site) => ({ label: site.name, description: site.connectionName, detail: site.production ? 'production' : undefined, picked: site.key === currentSite?.key, site })),
      { title: `Run on several sites (2/2): ${pmsLabel(pms)} sites`, canPickMany: true, placeHolder: 'Pick the sites to run the query on' },
    );
    if (!picked || picked.length === 0) return undefined;
    return picked.map((item) => item.site);
  }

  private failed(
    error: unknown,
    site: SiteSummary,
    startedAt: number,
    text: string,
    fail: (message: string, cancelled: boolean) => void,
    retry: { title: string; command: string; args: unknown[] },
  ): void {
    const cancelled = isApiError(error, 'cancelled');
    fail(describeError(error, { site }).message, cancelled);
    this.services.log.warn(`SQL on ${site.name} ${cancelled ? 'cancelled' : `failed: ${logLine(error)}`}`);
    recordRun(this.services, { site, language: 'sql', text, startedAt, outcome: cancelled ? 'cancelled' : 'failed' });
    if (!cancelled) void showRunError(error, { site, retry });
  }
}

/** The write guard's view of the SQL, its classifier loaded on first use rather than at activation. */
async function planSql(text: string): Promise<Extract<PlannedRun, { language: 'sql' }>> {
  const { sqlPlan } = await import('./sqlPlan');
  return sqlPlan(text);
}

function haloTarget(target: SiteTarget): Extract<SiteTarget, { api: 'haloConnect' }> {
  if (target.api !== 'haloConnect') {
    throw new Error(`${target.name} is a Halaxy practice: SQL runs through Halo Connect only.`);
  }
  return target;
}

function defaultCatalogue(site: SiteSummary): string | undefined {
  return (site.catalogues.find((catalogue) => catalogue.isDefault) ?? site.catalogues[0])?.name;
}

/** Site names as the `site` column shows them, with the connection added where two sites share a name. */
function siteLabels(sites: readonly SiteSummary[]): string[] {
  return sites.map((site) => (sites.filter((other) => other.name === site.name).length > 1 ? `${site.name} (${site.connectionName})` : site.name));
}

function parameterValue(typed: string): string | null {
  return typed.trim().toUpperCase() === 'NULL' ? null : typed;
}

async function askSeconds(title: string, prompt: string, value: string, min: number, max: number): Promise<number | undefined> {
  const typed = await vscode.window.showInputBox({
    title,
    prompt: `${prompt}: a whole number from ${min} to ${max}.`,
    value,
    validateInput: (text) => {
      const seconds = Number(text.trim());
      return /^\d+$/.test(text.trim()) && seconds >= min && seconds <= max ? undefined : `A whole number of seconds from ${min} to ${max}.`;
    },
  });
  return typed === undefined ? undefined : Number(typed.trim());
}

async function documentFor(uri: string | undefined): Promise<vscode.TextDocument | undefined> {
  if (uri) return vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  return vscode.window.activeTextEditor?.document;
}

/** The SQL a command runs: the given span, the whole document, the selection, or the statement under the cursor. */
async function sqlToRun(args: SqlRunArgs | undefined): Promise<SqlToRun | undefined> {
  const document = await documentFor(args?.uri);
  if (!document) {
    void vscode.window.showInformationMessage('Open a .sql document to run it.');
    return undefined;
  }
  const text = document.getText();
  if (args?.start !== undefined && args.end !== undefined) {
    return { document, text: text.slice(args.start, args.end), start: args.start, end: args.end };
  }
  const statements = splitSqlStatements(text);
  const editor = vscode.window.activeTextEditor?.document === document ? vscode.window.activeTextEditor : undefined;
  if (!args?.all && editor && !editor.selection.isEmpty) {
    const start = document.offsetAt(editor.selection.start);
    const end = document.offsetAt(editor.selection.end);
    return { document, text: text.slice(start, end), start, end };
  }
  if (args?.all || !editor) {
    const batches = new Set(statements.map((statement) => statement.batch)).size;
    if (batches > 1) {
      void vscode.window.showErrorMessage(`This document has ${batches} batches separated by GO, and Halo runs one batch per query: run them one at a time.`);
      return undefined;
    }
    if (statements.length === 0) {
      void vscode.window.showInformationMessage(`${documentLabel(document)} has no SQL to run.`);
      return undefined;
    }
    const start = statements[0].range.start.offset;
    const end = statements[statements.length - 1].range.end.offset;
    return { document, text: text.slice(start, end), start, end };
  }
  // Before the first statement (on the pin or a heading comment, where a freshly opened document puts the cursor), run the first.
  const statement = statementAt(text, document.offsetAt(editor.selection.active)) ?? statements[0];
  if (!statement) {
    void vscode.window.showInformationMessage(`${documentLabel(document)} has no SQL to run.`);
    return undefined;
  }
  return { document, text: statement.text, start: statement.range.start.offset, end: statement.range.end.offset };
}
