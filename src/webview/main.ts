import { parseRows } from '../core/results/parseRows';
import type { ParsedRows } from '../core/results/parseRows';
import type { HostMessage, PageFormat, RunSummary, WebviewMessage } from '../protocol';
import { flattenFhir } from './flattenFhir';

declare function acquireVsCodeApi(): { postMessage(message: WebviewMessage): void };

/** The minimal panel renders this many rows and counts the rest; the results grid will show them all. */
const MAX_RENDERED_ROWS = 5000;
/** Longer cell text is cut in the cell; the full text (up to a bound) is in its tooltip. */
const MAX_CELL_CHARS = 500;
const MAX_TOOLTIP_CHARS = 10_000;

const vscode = acquireVsCodeApi();
const decoder = new TextDecoder();

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const view = {
  title: element('h1', 'title'),
  site: element('span', 'site'),
  progress: element('div', 'progress'),
  status: element('div', 'status'),
  error: element('div', 'error'),
  notes: element('ul', 'notes'),
  sites: element('table', 'sites'),
  parameters: element('table', 'parameters'),
  rawToggle: element('button', 'raw-toggle', 'Show raw JSON'),
  table: element('table', 'rows'),
  head: element('tr'),
  body: element('tbody'),
  raw: element('pre', 'raw'),
};

interface Run {
  id: number;
  format: PageFormat;
  startedAt: number;
  site: string;
  columns: string[];
  columnIndex: Map<string, number>;
  rowCount: number;
  rendered: number;
  pages: number;
  rawTexts: string[];
}

let run: Run | undefined;

function build(): void {
  const header = element('header');
  header.append(view.title, view.site);
  const thead = element('thead');
  thead.append(view.head);
  view.table.append(thead, view.body);
  view.progress.setAttribute('role', 'status');
  view.status.setAttribute('aria-live', 'polite');
  view.error.setAttribute('role', 'alert');
  view.rawToggle.type = 'button';
  view.rawToggle.addEventListener('click', toggleRaw);
  const toolbar = element('div', 'toolbar');
  toolbar.append(view.rawToggle);
  const tableWrap = element('div', 'table-wrap');
  tableWrap.append(view.table, view.raw);
  for (const node of [view.error, view.notes, view.sites, view.parameters, view.rawToggle, view.raw]) node.hidden = true;
  document.body.append(header, view.progress, view.status, view.error, view.notes, view.sites, view.parameters, toolbar, tableWrap);
}

function begin(message: Extract<HostMessage, { type: 'begin' }>): void {
  run = {
    id: message.runId,
    format: message.format,
    startedAt: message.startedAt,
    site: message.site,
    columns: [],
    columnIndex: new Map(),
    rowCount: 0,
    rendered: 0,
    pages: 0,
    rawTexts: [],
  };
  view.title.textContent = message.title;
  view.site.textContent = message.site;
  view.progress.textContent = 'Running…';
  view.status.textContent = '';
  view.head.replaceChildren();
  view.body.replaceChildren();
  view.raw.textContent = '';
  for (const node of [view.error, view.notes, view.sites, view.parameters, view.rawToggle, view.raw]) node.hidden = true;
  view.table.hidden = false;
  view.rawToggle.textContent = 'Show raw JSON';
}

function addPage(current: Run, pageNumber: number, bytes: ArrayBuffer): void {
  const text = decoder.decode(bytes);
  let parsed: ParsedRows;
  try {
    parsed = current.format === 'fhir' ? flattenFhir(JSON.parse(text)) : parseRows(text, `Page ${pageNumber}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    showError(`Page ${pageNumber} could not be read: ${message}`);
    vscode.postMessage({ type: 'pageError', runId: current.id, pageNumber, message });
    return;
  }
  if (current.format === 'fhir') {
    current.rawTexts.push(text);
    view.rawToggle.hidden = false;
  }
  current.pages++;
  current.rowCount += parsed.rows.length;
  const positions = parsed.columns.map((name) => columnPosition(current, name));
  for (const row of parsed.rows) {
    if (current.rendered >= MAX_RENDERED_ROWS) break;
    const cells: unknown[] = new Array(current.columns.length).fill(null);
    positions.forEach((position, index) => (cells[position] = row[index]));
    view.body.append(rowElement(cells));
    current.rendered++;
  }
  view.status.textContent = statusLine(current, undefined);
}

/** The column's position in the table, adding it (and an empty cell to every row shown) when it is new. */
function columnPosition(current: Run, name: string): number {
  const known = current.columnIndex.get(name);
  if (known !== undefined) return known;
  const position = current.columns.length;
  current.columns.push(name);
  current.columnIndex.set(name, position);
  view.head.append(element('th', undefined, name === '' ? '(no column name)' : name));
  for (const row of Array.from(view.body.rows)) row.append(cellElement(null));
  return position;
}

function rowElement(cells: readonly unknown[]): HTMLTableRowElement {
  const row = element('tr');
  for (const value of cells) row.append(cellElement(value));
  return row;
}

function cellElement(value: unknown): HTMLTableCellElement {
  const cell = element('td');
  if (value === null || value === undefined) {
    cell.className = 'null';
    cell.textContent = 'NULL';
    return cell;
  }
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'number') cell.className = 'number';
  // textContent only: cell values are patient data from a practice's database, untrusted input.
  cell.textContent = text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS)}…` : text;
  if (text.length > MAX_CELL_CHARS) cell.title = text.slice(0, MAX_TOOLTIP_CHARS);
  return cell;
}

function statusLine(current: Run, summary: RunSummary | undefined): string {
  const parts: string[] = [];
  if (summary?.rowsAffected !== undefined) {
    parts.push(`${count(summary.rowsAffected, 'row')} affected`);
  } else {
    const rows = summary?.rowCount ?? current.rowCount;
    parts.push(count(rows, 'row'));
    if (current.rendered < rows) parts.push(`showing the first ${current.rendered.toLocaleString('en-AU')}`);
    parts.push(count(summary?.pages ?? current.pages, 'page'));
  }
  parts.push(duration(summary?.elapsedMs ?? Date.now() - current.startedAt));
  parts.push(current.site);
  return parts.join(' · ');
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function count(value: number, noun: string): string {
  return `${value.toLocaleString('en-AU')} ${noun}${value === 1 ? '' : 's'}`;
}

function done(current: Run, summary: RunSummary): void {
  view.progress.textContent = '';
  view.status.textContent = statusLine(current, summary);
  if (summary.rowsAffected !== undefined && current.columns.length === 0) view.table.hidden = true;
  view.notes.replaceChildren(...summary.notes.map((note) => element('li', undefined, note)));
  view.notes.hidden = summary.notes.length === 0;
  fillTable(view.parameters, 'Output parameters', ['Name', 'Direction', 'Value'], summary.parameters.map((parameter) => [parameter.name, parameter.direction, parameter.value]));
  fillTable(
    view.sites,
    'Sites',
    ['Site', 'Outcome', 'Rows', 'Message'],
    (summary.sites ?? []).map((site) => [site.site, site.outcome, site.rows ?? '—', site.message ?? '']),
  );
}

function fillTable(table: HTMLTableElement, caption: string, headers: readonly string[], rows: readonly (readonly unknown[])[]): void {
  table.replaceChildren();
  table.hidden = rows.length === 0;
  if (rows.length === 0) return;
  const head = element('tr');
  head.append(...headers.map((header) => element('th', undefined, header)));
  const body = element('tbody');
  body.append(...rows.map(rowElement));
  table.append(element('caption', undefined, caption), head, body);
}

function showError(message: string): void {
  view.error.textContent = message;
  view.error.hidden = false;
}

function toggleRaw(): void {
  if (!run) return;
  const showRaw = view.raw.hidden;
  if (showRaw && view.raw.textContent === '') {
    view.raw.textContent = run.rawTexts.map(prettyJson).join('\n\n');
  }
  view.raw.hidden = !showRaw;
  view.table.hidden = showRaw;
  view.rawToggle.textContent = showRaw ? 'Show table' : 'Show raw JSON';
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function receive(message: HostMessage): void {
  if (message.type === 'begin') {
    begin(message);
    return;
  }
  if (!run || message.runId !== run.id) return;
  switch (message.type) {
    case 'progress':
      view.progress.textContent = message.text;
      break;
    case 'page':
      addPage(run, message.pageNumber, message.bytes);
      break;
    case 'done':
      done(run, message.summary);
      break;
    case 'failed':
      view.progress.textContent = '';
      view.status.textContent = `${message.cancelled ? 'Cancelled' : 'Failed'} after ${duration(message.elapsedMs)} · ${run.site}`;
      // A cancellation is the user's own doing: the status line says so, without an error box.
      if (!message.cancelled) showError(message.message);
      break;
    default:
      assertNever(message);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected message ${JSON.stringify(value)}`);
}

build();
window.addEventListener('message', (event: MessageEvent<HostMessage>) => receive(event.data));
vscode.postMessage({ type: 'ready' });
