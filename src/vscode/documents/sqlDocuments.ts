import * as vscode from 'vscode';
import { splitSqlStatements } from '../../core/documents/sqlStatements';
import { Disposable } from '../disposable';
import type { ActiveSite, SiteDirectory } from '../sites/siteTypes';
import { documentSite } from './documentSite';
import type { DocumentSiteChoice } from './documentSite';

/** Commands the document CodeLenses invoke (ids shared with package.json). */
export const DOCUMENT_COMMANDS = {
  pickSite: 'practiceExplorer.pickDocumentSite',
} as const;

interface LensCommands {
  run: string;
  runAll?: string;
  pickCatalogue?: string;
}

/**
 * The first line's "Site: … — change" lens, shared by SQL and FHIR documents: it names where the document runs and
 * whether that is its pin or the active site.
 */
export function siteLens(document: vscode.TextDocument, choice: DocumentSiteChoice): vscode.CodeLens {
  const range = new vscode.Range(0, 0, 0, 0);
  const args = [{ uri: document.uri.toString() }];
  switch (choice.kind) {
    case 'pinned':
    case 'active':
      return new vscode.CodeLens(range, {
        title: `Site: ${choice.site.name} (${choice.kind}${choice.site.production ? ', production' : ''}) — change`,
        tooltip: `${choice.site.connectionName} › ${choice.site.name}. Change pins another site on the first line.`,
        command: DOCUMENT_COMMANDS.pickSite,
        arguments: args,
      });
    case 'unknownPin':
      return new vscode.CodeLens(range, { title: `Site: "${choice.pin}" is not among your sites — pick a site`, command: DOCUMENT_COMMANDS.pickSite, arguments: args });
    case 'none':
      return new vscode.CodeLens(range, { title: 'Site: none chosen — pick a site', command: DOCUMENT_COMMANDS.pickSite, arguments: args });
  }
}

/** "Site: …", "▶ Run all" (and the catalogue, where there is a choice) on line 1; "▶ Run on <site>" above each statement. */
export class SqlCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly directory: SiteDirectory,
    private readonly activeSite: ActiveSite,
    private readonly commands: LensCommands,
    private readonly catalogueOf: (document: vscode.TextDocument, siteKey: string) => string | undefined,
  ) {
    super();
    this.register(directory.onDidChange(() => this.changed.fire()));
    this.register(activeSite.onDidChange(() => this.changed.fire()));
  }

  /** Lenses change when something outside the document changes, such as a remembered catalogue. */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const choice = documentSite(document, this.directory, this.activeSite);
    const uri = document.uri.toString();
    const lenses = [siteLens(document, choice)];
    const top = new vscode.Range(0, 0, 0, 0);
    const site = choice.kind === 'pinned' || choice.kind === 'active' ? choice.site : undefined;
    if (site && site.catalogues.length > 1 && this.commands.pickCatalogue) {
      const chosen = this.catalogueOf(document, site.key) ?? 'ask on first run';
      lenses.push(new vscode.CodeLens(top, { title: `Catalogue: ${chosen} — change`, command: this.commands.pickCatalogue, arguments: [{ uri }] }));
    }
    const statements = splitSqlStatements(document.getText());
    if (statements.length > 0 && this.commands.runAll) {
      lenses.push(new vscode.CodeLens(top, { title: '▶ Run all', tooltip: 'Run the whole document as one batch', command: this.commands.runAll, arguments: [{ uri, all: true }] }));
    }
    const where = site ? site.name : 'a site';
    for (const statement of statements) {
      const line = new vscode.Range(statement.range.start.line, 0, statement.range.start.line, 0);
      lenses.push(
        new vscode.CodeLens(line, {
          title: `▶ Run on ${where}`,
          command: this.commands.run,
          arguments: [{ uri, start: statement.range.start.offset, end: statement.range.end.offset }],
        }),
      );
    }
    return lenses;
  }
}

/** Format Document for SQL: sql-formatter's T-SQL dialect, loaded on first use. */
export class SqlFormattingProvider implements vscode.DocumentFormattingEditProvider {
  async provideDocumentFormattingEdits(document: vscode.TextDocument, options: vscode.FormattingOptions): Promise<vscode.TextEdit[]> {
    const { format } = await import('sql-formatter');
    const text = document.getText();
    let formatted: string;
    try {
      formatted = format(text, { language: 'transactsql', keywordCase: 'upper', tabWidth: options.tabSize, useTabs: !options.insertSpaces });
    } catch (error) {
      void vscode.window.showErrorMessage(`The SQL could not be formatted: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
    const trailing = /\r?\n$/.test(text) ? document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n' : '';
    const whole = new vscode.Range(document.positionAt(0), document.positionAt(text.length));
    return formatted + trailing === text ? [] : [vscode.TextEdit.replace(whole, formatted + trailing)];
  }
}
