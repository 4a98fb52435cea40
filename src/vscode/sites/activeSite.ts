import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { pmsLabel, SANDBOX_CONNECTION_ID } from './connectionModel';
import { SITE_COMMANDS } from './siteCommandIds';
import type { SitesDirectory } from './siteDirectory';
import type { ActiveSite, SiteSummary } from './siteTypes';

const ACTIVE_SITE_KEY = 'practiceExplorer.activeSite';

interface SiteItem extends vscode.QuickPickItem {
  site?: SiteSummary;
}

/**
 * The site SQL and FHIR documents run on unless they pin their own: remembered per workspace, shown in the status bar
 * (warning-coloured for a production site), switched through a quick pick. On a workspace's first run the first
 * Sandbox site becomes active as soon as the Sandbox has listed its sites.
 */
export class WorkspaceActiveSite extends Disposable implements ActiveSite {
  readonly onDidChange: vscode.Event<SiteSummary | undefined>;
  private readonly changed = this.register(new vscode.EventEmitter<SiteSummary | undefined>());
  private readonly statusItem = this.register(vscode.window.createStatusBarItem('practiceExplorer.activeSite', vscode.StatusBarAlignment.Left, 90));
  private lastFired: string;

  constructor(
    private readonly directory: SitesDirectory,
    private readonly workspaceState: vscode.Memento,
  ) {
    super();
    this.onDidChange = this.changed.event;
    this.statusItem.name = 'Practice Data Explorer: Active Site';
    this.statusItem.command = SITE_COMMANDS.switchSite;
    this.lastFired = JSON.stringify(this.current ?? null);
    this.register(directory.onDidChange(() => this.directoryChanged()));
    this.chooseFirstSandboxSite();
    this.render();
    this.statusItem.show();
  }

  get current(): SiteSummary | undefined {
    const key = this.workspaceState.get<string>(ACTIVE_SITE_KEY);
    return key ? this.directory.list().find((site) => site.key === key) : undefined;
  }

  async set(key: string | undefined): Promise<void> {
    await this.workspaceState.update(ACTIVE_SITE_KEY, key ?? '');
    this.announce();
  }

  async pick(options: { title?: string; filter?: (site: SiteSummary) => boolean } = {}): Promise<SiteSummary | undefined> {
    const quickPick = vscode.window.createQuickPick<SiteItem>();
    quickPick.title = options.title ?? 'Choose the site for SQL and FHIR';
    quickPick.placeholder = 'Type a practice, PMS or connection name';
    quickPick.matchOnDescription = true;
    quickPick.matchOnDetail = true;
    const fill = () => {
      quickPick.items = this.items(options.filter);
      const active = quickPick.items.find((item) => item.site?.key === this.current?.key);
      if (active) quickPick.activeItems = [active];
    };
    fill();
    if (this.directory.hasSandbox()) {
      quickPick.busy = true;
      this.directory.loadSandbox().then(
        () => fill(),
        (error: unknown) => (quickPick.placeholder = `The Sandbox did not start: ${error instanceof Error ? error.message : String(error)}`),
      ).finally(() => (quickPick.busy = false));
    }
    return new Promise<SiteSummary | undefined>((resolve) => {
      let chosen: SiteSummary | undefined;
      quickPick.onDidAccept(() => {
        chosen = quickPick.selectedItems[0]?.site;
        if (chosen) quickPick.hide();
      });
      quickPick.onDidHide(() => {
        quickPick.dispose();
        resolve(chosen);
      });
      quickPick.show();
    });
  }

  private items(filter: ((site: SiteSummary) => boolean) | undefined): SiteItem[] {
    const items: SiteItem[] = [];
    let connectionId: string | undefined;
    for (const site of this.directory.list()) {
      if (filter && !filter(site)) continue;
      if (site.connectionId !== connectionId) {
        connectionId = site.connectionId;
        items.push({ label: site.connectionName, kind: vscode.QuickPickItemKind.Separator });
      }
      const availability = this.directory.remembered(site)?.availability;
      items.push({
        site,
        label: `$(${site.production ? 'warning' : 'database'}) ${site.name}`,
        description: [pmsLabel(site.pms), availability, site.production ? 'production' : undefined, site.key === this.current?.key ? 'active' : undefined]
          .filter((part) => part !== undefined)
          .join(' · '),
      });
    }
    return items;
  }

  private directoryChanged(): void {
    this.chooseFirstSandboxSite();
    this.announce();
  }

  /** First run in this workspace (nothing chosen yet, not even "none"): the Sandbox's first clinic. */
  private chooseFirstSandboxSite(): void {
    if (this.workspaceState.get<string>(ACTIVE_SITE_KEY) !== undefined) {
      return;
    }
    const first = this.directory.list().find((site) => site.connectionId === SANDBOX_CONNECTION_ID && site.supports.sql);
    if (first) {
      void this.set(first.key);
    }
  }

  private announce(): void {
    this.render();
    const current = this.current;
    const fingerprint = JSON.stringify(current ?? null);
    if (fingerprint !== this.lastFired) {
      this.lastFired = fingerprint;
      this.changed.fire(current);
    }
  }

  private render(): void {
    const site = this.current;
    const item = this.statusItem;
    if (!site) {
      item.text = '$(database) Choose a site';
      item.tooltip = 'Practice Data Explorer: no site is active. Click to choose the site SQL and FHIR documents run on.';
      item.backgroundColor = undefined;
      item.accessibilityInformation = { label: 'Practice Data Explorer: no active site. Choose a site.' };
      return;
    }
    const availability = this.directory.remembered(site)?.availability;
    item.text = `$(${site.production ? 'warning' : 'database'}) ${site.connectionName} › ${site.name}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    if (site.production) {
      tooltip.appendMarkdown('**PRODUCTION**: a real practice\n\n');
    }
    tooltip.appendText(`Active site for SQL and FHIR: ${site.name}\n\n`);
    tooltip.appendText(`${site.connectionName} · ${pmsLabel(site.pms)}${availability ? ` · ${availability}` : ''}\n\n`);
    tooltip.appendText(site.allowWrites ? 'Writes allowed without asking.' : 'Read-only: writes ask for confirmation.');
    tooltip.appendMarkdown('\n\nClick to switch site.');
    item.tooltip = tooltip;
    item.backgroundColor = site.production ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.accessibilityInformation = {
      label: `Practice Data Explorer active site: ${site.connectionName}, ${site.name}${site.production ? ', production' : ''}. Switch site.`,
    };
  }
}
