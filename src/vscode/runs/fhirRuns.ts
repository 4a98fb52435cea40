import * as vscode from 'vscode';
import { fhirRequestAt, isWriteRequest, parseFhirDocument } from '../../core/documents/fhirDocument';
import { isApiError } from '../../core/errors';
import { isBundle } from '../../core/fhir/bundle';
import type { FhirResource } from '../../core/fhir/bundle';
import { describeError } from '../errorMessages';
import { capabilityResources } from '../../core/fhir/capabilities';
import type { ResourceCapability } from '../../core/fhir/capabilities';
import { documentSite, siteToRun } from '../documents/documentSite';
import type { SiteSummary, SiteTarget } from '../sites/siteTypes';
import { executeFhir, requestText, unsupportedFhirCall } from './fhirExecution';
import type { FhirCall, FhirTarget } from './fhirExecution';
import { confirmWrites, showRunError, withCancellableProgress } from './runSupport';
import { documentLabel, logLine, recordRun } from './runServices';
import type { RunServices } from './runServices';

export const FHIR_COMMANDS = {
  run: 'practiceExplorer.runFhir',
} as const;

interface FhirRunArgs {
  uri?: string;
  /** Which request of the document (from a CodeLens); without it, the request under the cursor. */
  index?: number;
}

/** Runs `.fhir` requests on Halaxy practices and Halo's Best Practice facade, and knows each site's capabilities. */
export class FhirRuns {
  private readonly capabilities = new Map<string, Promise<ResourceCapability[]>>();

  constructor(private readonly services: RunServices) {}

  async run(args: FhirRunArgs | undefined): Promise<void> {
    const document = args?.uri ? await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)) : vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== 'fhir') {
      void vscode.window.showInformationMessage('Open a .fhir document to run its requests.');
      return;
    }
    const parsed = parseFhirDocument(document.getText());
    const editor = vscode.window.activeTextEditor?.document === document ? vscode.window.activeTextEditor : undefined;
    const request =
      args?.index !== undefined ? parsed.requests[args.index] : editor ? fhirRequestAt(parsed, editor.selection.active.line) : parsed.requests[0];
    if (!request) {
      void vscode.window.showInformationMessage(parsed.requests.length === 0 ? `${documentLabel(document)} has no request to run.` : 'There is no request under the cursor to run.');
      return;
    }
    const problem = request.diagnostics.find((diagnostic) => diagnostic.severity === 'error');
    if (problem) {
      void vscode.window.showErrorMessage(`Line ${problem.range.start.line + 1}: ${problem.message}`);
      return;
    }
    const site = await siteToRun(document, this.services.directory, this.services.activeSite);
    if (!site) return;
    await this.execute(site, request, { key: document.uri.toString(), label: documentLabel(document) });
  }

  /** The tree's "open a FHIR resource type": its first page, in a panel of its own per site and type. */
  async openResourceType(args: { siteKey: string; resourceType: string }): Promise<void> {
    const site = this.services.directory.find(args.siteKey);
    if (!site) {
      void vscode.window.showErrorMessage('That site is no longer among your sites.');
      return;
    }
    const call: FhirCall = { method: 'GET', path: args.resourceType, query: new URLSearchParams() };
    await this.execute(site, call, { key: `fhir:${site.key}/${args.resourceType}`, label: `${args.resourceType} (${site.name})` });
  }

  /**
   * The searchable resource types of the document's site (pinned or active), from its CapabilityStatement, fetched
   * once per site. Undefined when the document has no site that serves FHIR, or the statement could not be read.
   */
  async capabilitiesFor(document: vscode.TextDocument, signal?: AbortSignal): Promise<ResourceCapability[] | undefined> {
    const choice = documentSite(document, this.services.directory, this.services.activeSite);
    if ((choice.kind !== 'pinned' && choice.kind !== 'active') || !choice.site.supports.fhir) return undefined;
    const site = choice.site;
    let pending = this.capabilities.get(site.key);
    if (!pending) {
      pending = this.fetchCapabilities(site, signal);
      this.capabilities.set(site.key, pending);
    }
    try {
      return await pending;
    } catch (error) {
      if (this.capabilities.get(site.key) === pending) this.capabilities.delete(site.key);
      this.services.log.warn(`The CapabilityStatement of ${site.name} could not be read: ${logLine(error)}`);
      return undefined;
    }
  }

  private async fetchCapabilities(site: SiteSummary, signal?: AbortSignal): Promise<ResourceCapability[]> {
    const target = fhirTarget(await this.services.directory.connect(site, signal));
    return capabilityResources(await executeFhir(target, { method: 'GET', path: 'metadata', query: new URLSearchParams() }, signal));
  }

  private async execute(site: SiteSummary, call: FhirCall, panel: { key: string; label: string }): Promise<void> {
    const refusal = unsupportedFhirCall(site, call);
    if (refusal) {
      await showRunError(refusal, { site });
      return;
    }
    const write = isWriteRequest(call);
    if (!(await confirmWrites([site], { language: 'fhir', method: call.method, path: call.path, write }))) return;
    const text = requestText(call);
    const { panels, log, directory } = this.services;
    const sink = panels.begin(panel.key, panel.label, { title: text.split('\n', 1)[0], site: site.name, format: 'fhir' });
    const startedAt = Date.now();
    log.info(`FHIR ${call.method} ${call.path} on ${site.name} [${site.key}]${write ? ' (a write, confirmed or allowed)' : ''}.`);
    try {
      const resource = await withCancellableProgress(`${site.name}: ${call.method} ${call.path}`, async (signal, report) => {
        report('Connecting');
        const target = fhirTarget(await directory.connect(site, signal));
        report('Waiting for the server');
        sink.progress('Waiting for the server');
        return executeFhir(target, call, signal);
      });
      const rowCount = isBundle(resource) ? (resource.entry ?? []).length : 1;
      sink.page(Buffer.from(JSON.stringify(resource)));
      sink.done({ rowCount, pages: 1, elapsedMs: Date.now() - startedAt, parameters: [], notes: bundleNotes(resource) });
      log.info(`FHIR ${call.method} ${call.path} on ${site.name}: ${resource.resourceType}, ${rowCount} ${rowCount === 1 ? 'resource' : 'resources'}.`);
      recordRun(this.services, { site, language: 'fhir', text, startedAt, outcome: 'succeeded', rowCount });
    } catch (error) {
      const cancelled = isApiError(error, 'cancelled');
      sink.failed(describeError(error, { site }).message, cancelled);
      log.warn(`FHIR ${call.method} ${call.path} on ${site.name} ${cancelled ? 'cancelled' : `failed: ${logLine(error)}`}`);
      recordRun(this.services, { site, language: 'fhir', text, startedAt, outcome: cancelled ? 'cancelled' : 'failed' });
      if (!cancelled) void showRunError(error, { site });
    }
  }
}

function fhirTarget(target: SiteTarget): FhirTarget {
  const site = { name: target.name, pms: target.pms };
  return target.api === 'haloConnect' ? { site, api: 'haloConnect', client: target.client, siteId: target.siteId } : { site, api: 'halaxy', client: target.client };
}

function bundleNotes(resource: FhirResource): string[] {
  if (!isBundle(resource) || !resource.link?.some((link) => link.relation === 'next')) return [];
  const total = typeof resource.total === 'number' ? ` of ${resource.total}` : '';
  return [`This is the first page (${(resource.entry ?? []).length}${total} resources): the server has more.`];
}
