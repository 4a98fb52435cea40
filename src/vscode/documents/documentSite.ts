import * as vscode from 'vscode';
import { readSitePin, withSitePin } from '../../core/documents/sitePin';
import type { DocumentLanguage } from '../../core/documents/sitePin';
import { pmsLabel } from '../runs/writeGuard';
import type { ActiveSite, SiteDirectory, SiteSummary } from '../sites/siteTypes';

/** Where a document runs: its pinned site, the active site, a pin that names no known site, or nowhere yet. */
export type DocumentSiteChoice =
  | { kind: 'pinned'; site: SiteSummary }
  | { kind: 'active'; site: SiteSummary }
  | { kind: 'unknownPin'; pin: string }
  | { kind: 'none' };

export function documentLanguage(document: vscode.TextDocument): DocumentLanguage | undefined {
  return document.languageId === 'sql' || document.languageId === 'fhir' ? document.languageId : undefined;
}

/** The document's `@site` pin resolved in the directory, else the active site. */
export function documentSite(document: vscode.TextDocument, directory: SiteDirectory, activeSite: ActiveSite): DocumentSiteChoice {
  const language = documentLanguage(document);
  const pin = language && readSitePin(document.lineAt(0).text, language);
  if (pin) {
    const site = directory.find(pin.value);
    return site ? { kind: 'pinned', site } : { kind: 'unknownPin', pin: pin.value };
  }
  return activeSite.current ? { kind: 'active', site: activeSite.current } : { kind: 'none' };
}

/** What a site can run for this language, used to filter pickers. */
export function canRun(site: SiteSummary, language: DocumentLanguage): boolean {
  return language === 'sql' ? site.supports.sql : site.supports.fhir;
}

/**
 * Writes (or replaces) the document's pin. Only the first line is edited, so the rest of the document and the cursor stay where they were.
 */
export async function pinSite(document: vscode.TextDocument, site: SiteSummary, directory: SiteDirectory): Promise<boolean> {
  const language = documentLanguage(document);
  if (!language) return false;
  const firstLine = document.lineAt(0);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, firstLine.range, withSitePin(firstLine.text, language, pinValue(site, directory)));
  return vscode.workspace.applyEdit(edit);
}

/** How a pin names a site: by its name when that finds it again unambiguously, else by its key. */
export function pinValue(site: SiteSummary, directory: SiteDirectory): string {
  return directory.find(site.name)?.key === site.key ? site.name : site.key;
}

/**
 * Asks for a site that can run the document and pins it. Resolves with the site, or undefined when dismissed.
 */
export async function pickAndPinSite(document: vscode.TextDocument, directory: SiteDirectory, activeSite: ActiveSite): Promise<SiteSummary | undefined> {
  const language = documentLanguage(document);
  if (!language) return undefined;
  const site = await activeSite.pick({
    title: `Run ${vscode.workspace.asRelativePath(document.uri)} on`,
    filter: (candidate) => canRun(candidate, language),
  });
  if (site) await pinSite(document, site, directory);
  return site;
}

const CANNOT_RUN: Readonly<Record<DocumentLanguage, string>> = {
  sql: 'SQL runs through Halo Connect on Best Practice, Zedmed and D4w sites',
  fhir: "FHIR runs on Halaxy practices and through Halo Connect's facade on Best Practice sites",
};

/**
 * The site a run of the document goes to: its pin, else the active site. A pin that names no known site, or a site
 * that cannot run the document's language, is explained with a "Pick a site" action; with no site at all the user
 * picks one, which becomes the active site. Undefined when the user gives up.
 */
export async function siteToRun(document: vscode.TextDocument, directory: SiteDirectory, activeSite: ActiveSite): Promise<SiteSummary | undefined> {
  const language = documentLanguage(document);
  if (!language) return undefined;
  let choice = documentSite(document, directory, activeSite);
  if (choice.kind === 'unknownPin') {
    // On a fresh profile the Sandbox's sites are listed only once it has started: start it before calling the pin unknown.
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Starting the Sandbox…' }, () => directory.loadSandboxSites());
    choice = documentSite(document, directory, activeSite);
  }
  const pick = 'Pick a site';
  switch (choice.kind) {
    case 'unknownPin': {
      const answer = await vscode.window.showErrorMessage(`The site "${choice.pin}" pinned on the first line is not among your sites.`, pick);
      return answer === pick ? pickAndPinSite(document, directory, activeSite) : undefined;
    }
    case 'none': {
      const site = await activeSite.pick({ title: `Run ${language.toUpperCase()} on`, filter: (candidate) => canRun(candidate, language) });
      if (site) await activeSite.set(site.key);
      return site;
    }
    default: {
      if (canRun(choice.site, language)) return choice.site;
      const answer = await vscode.window.showErrorMessage(`${choice.site.name} (${pmsLabel(choice.site.pms)}) cannot run this: ${CANNOT_RUN[language]}.`, pick);
      return answer === pick ? pickAndPinSite(document, directory, activeSite) : undefined;
    }
  }
}
