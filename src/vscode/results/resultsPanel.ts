import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { HostMessage, PageFormat, RunSummary, WebviewMessage } from '../../protocol';
import { Disposable } from '../disposable';

/** Where one run's output goes; the runners write to it without knowing it is a webview. */
export interface ResultSink {
  progress(text: string): void;
  page(bytes: Uint8Array): void;
  done(summary: RunSummary): void;
  failed(message: string, cancelled: boolean): void;
}

export interface RunDescription {
  title: string;
  site: string;
  format: PageFormat;
}

const VIEW_TYPE = 'practiceExplorer.results';

/** One results panel per document, reused (and revealed) on every re-run of that document. */
export class ResultsPanels extends Disposable {
  private readonly panels = new Map<string, ResultsPanel>();
  private nextRunId = 1;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  /** Starts a run in the panel of `documentKey` (a document's URI), creating the panel when it has none. */
  begin(documentKey: string, documentLabel: string, run: RunDescription): ResultSink {
    let panel = this.panels.get(documentKey);
    if (!panel) {
      panel = new ResultsPanel(this.extensionUri, documentLabel, this.log, () => this.panels.delete(documentKey));
      this.panels.set(documentKey, panel);
    }
    return panel.begin(this.nextRunId++, run);
  }

  override dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
    super.dispose();
  }
}

class ResultsPanel extends Disposable {
  private readonly panel: vscode.WebviewPanel;
  private ready = false;
  private queue: HostMessage[] = [];
  private closed = false;

  constructor(extensionUri: vscode.Uri, documentLabel: string, private readonly log: vscode.LogOutputChannel, onClosed: () => void) {
    super();
    const roots = [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
    this.panel = this.register(
      vscode.window.createWebviewPanel(
        VIEW_TYPE,
        `Results: ${documentLabel}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        // Kept alive while hidden: the page bytes live only in the webview, so a reload would lose the result.
        { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: roots },
      ),
    );
    const webview = this.panel.webview;
    webview.html = panelHtml(webview, extensionUri);
    this.register(webview.onDidReceiveMessage((message: WebviewMessage) => this.receive(message)));
    this.register(
      this.panel.onDidDispose(() => {
        this.closed = true;
        onClosed();
        this.dispose();
      }),
    );
  }

  begin(runId: number, run: RunDescription): ResultSink {
    this.panel.reveal(undefined, true);
    this.post({ type: 'begin', runId, title: run.title, site: run.site, format: run.format, startedAt: Date.now() });
    const startedAt = Date.now();
    let pageNumber = 0;
    return {
      progress: (text) => this.post({ type: 'progress', runId, text }),
      page: (bytes) => {
        // A copy that owns its memory: the Buffer may be a view into a larger pooled one.
        const owned = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
        this.post({ type: 'page', runId, pageNumber: ++pageNumber, bytes: owned });
      },
      done: (summary) => this.post({ type: 'done', runId, summary }),
      failed: (message, cancelled) => this.post({ type: 'failed', runId, message, cancelled, elapsedMs: Date.now() - startedAt }),
    };
  }

  private post(message: HostMessage): void {
    if (this.closed) return;
    if (!this.ready) {
      this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private receive(message: WebviewMessage): void {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        const queued = this.queue;
        this.queue = [];
        for (const item of queued) void this.panel.webview.postMessage(item);
        break;
      }
      case 'pageError':
        this.log.warn(`Results: page ${message.pageNumber} of run ${message.runId} could not be read: ${message.message}`);
        break;
      default:
        assertNever(message);
    }
  }
}

function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'results.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Results</title>
</head>
<body>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected message from the results webview: ${JSON.stringify(value)}`);
}
