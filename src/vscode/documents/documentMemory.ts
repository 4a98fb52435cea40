import type * as vscode from 'vscode';

const STORAGE_KEY = 'practiceExplorer.documentMemory';
/** Documents remembered; the least recently used are forgotten first. */
const MAX_DOCUMENTS = 200;

interface Remembered {
  /** Catalogue chosen per site key. */
  catalogues?: Record<string, string>;
  /** Last value typed for each `@name` parameter. */
  parameters?: Record<string, string>;
}

/**
 * What the user chose for a document (its catalogue per site, its parameters' last values), kept in the workspace's
 * state — never in settings, where values typed for a query (a patient's name, say) do not belong.
 */
export class DocumentMemory {
  constructor(private readonly state: vscode.Memento) {}

  catalogue(document: vscode.Uri, siteKey: string): string | undefined {
    return this.read(document).catalogues?.[siteKey];
  }

  async rememberCatalogue(document: vscode.Uri, siteKey: string, catalogue: string): Promise<void> {
    const remembered = this.read(document);
    await this.write(document, { ...remembered, catalogues: { ...remembered.catalogues, [siteKey]: catalogue } });
  }

  parameter(document: vscode.Uri, name: string): string | undefined {
    return this.read(document).parameters?.[name.toLowerCase()];
  }

  async rememberParameters(document: vscode.Uri, values: Readonly<Record<string, string>>): Promise<void> {
    const remembered = this.read(document);
    const lowered = Object.fromEntries(Object.entries(values).map(([name, value]) => [name.toLowerCase(), value]));
    await this.write(document, { ...remembered, parameters: { ...remembered.parameters, ...lowered } });
  }

  private all(): Record<string, Remembered> {
    const stored = this.state.get<unknown>(STORAGE_KEY, {});
    return typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? (stored as Record<string, Remembered>) : {};
  }

  private read(document: vscode.Uri): Remembered {
    return this.all()[document.toString()] ?? {};
  }

  private async write(document: vscode.Uri, remembered: Remembered): Promise<void> {
    const key = document.toString();
    // Re-inserted last, so the entry order is least recently written first.
    const rest = Object.entries(this.all()).filter(([existing]) => existing !== key);
    await this.state.update(STORAGE_KEY, Object.fromEntries([...rest.slice(-(MAX_DOCUMENTS - 1)), [key, remembered]]));
  }
}
