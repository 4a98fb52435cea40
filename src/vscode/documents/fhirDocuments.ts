import * as vscode from 'vscode';
import { parseFhirDocument } from '../../core/documents/fhirDocument';
import type { TextRange } from '../../core/documents/textRange';
import { Disposable } from '../disposable';
import type { ActiveSite, SiteDirectory } from '../sites/siteTypes';
import { fhirCompletions, isRequestLinePrefix } from './fhirCompletion';
import type { ResourceCapability } from '../../core/fhir/capabilities';
import type { FhirCompletion } from './fhirCompletion';
import { documentSite } from './documentSite';
import { siteLens } from './sqlDocuments';

/** "Site: … — change" on line 1 and "▶ Run" above each request of a `.fhir` document. */
export class FhirCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly directory: SiteDirectory,
    private readonly activeSite: ActiveSite,
    private readonly runCommand: string,
  ) {
    super();
    this.register(directory.onDidChange(() => this.changed.fire()));
    this.register(activeSite.onDidChange(() => this.changed.fire()));
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const uri = document.uri.toString();
    const lenses = [siteLens(document, documentSite(document, this.directory, this.activeSite))];
    parseFhirDocument(document.getText()).requests.forEach((request, index) => {
      const line = new vscode.Range(request.range.start.line, 0, request.range.start.line, 0);
      lenses.push(new vscode.CodeLens(line, { title: '▶ Run', tooltip: `${request.method} ${request.path}`, command: this.runCommand, arguments: [{ uri, index }] }));
    });
    return lenses;
  }
}

/** Where the capabilities come from: the document's site, fetched once per site. */
export interface CapabilitySource {
  capabilitiesFor(document: vscode.TextDocument, signal?: AbortSignal): Promise<ResourceCapability[] | undefined>;
}

const ITEM_KINDS: Readonly<Record<FhirCompletion['kind'], vscode.CompletionItemKind>> = {
  resourceType: vscode.CompletionItemKind.Class,
  searchParameter: vscode.CompletionItemKind.Field,
  modifier: vscode.CompletionItemKind.EnumMember,
};

/** Resource types, search parameters and modifiers from the CapabilityStatement of the document's site. */
export class FhirCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly source: CapabilitySource) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.CompletionItem[]> {
    const linePrefix = document.lineAt(position.line).text.slice(0, position.character);
    // Cheap check first: only request lines complete, and only they are worth a CapabilityStatement fetch.
    if (!isRequestLinePrefix(linePrefix)) return [];
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const capabilities = await this.source.capabilitiesFor(document, controller.signal);
      const context = capabilities && fhirCompletions(linePrefix, capabilities);
      if (!context) return [];
      const range = new vscode.Range(position.line, context.replaceFrom, position.line, position.character);
      return context.completions.map((completion, index) => {
        const item = new vscode.CompletionItem(completion.label, ITEM_KINDS[completion.kind]);
        item.detail = completion.detail;
        item.documentation = completion.documentation;
        item.range = range;
        item.sortText = String(index).padStart(4, '0');
        return item;
      });
    } finally {
      subscription.dispose();
    }
  }
}

/** The parser's problems (undefined variables, bad JSON bodies, …) as squiggles in open `.fhir` documents. */
export class FhirDiagnostics extends Disposable {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('fhir'));

  constructor() {
    super();
    this.register(vscode.workspace.onDidOpenTextDocument((document) => this.update(document)));
    this.register(vscode.workspace.onDidChangeTextDocument((event) => this.update(event.document)));
    this.register(vscode.workspace.onDidCloseTextDocument((document) => this.collection.delete(document.uri)));
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  private update(document: vscode.TextDocument): void {
    if (document.languageId !== 'fhir') return;
    const parsed = parseFhirDocument(document.getText());
    const problems = [...parsed.diagnostics, ...parsed.requests.flatMap((request) => request.diagnostics)];
    this.collection.set(
      document.uri,
      problems.map(
        (problem) =>
          new vscode.Diagnostic(toRange(problem.range), problem.message, problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning),
      ),
    );
  }
}

function toRange(range: TextRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}
