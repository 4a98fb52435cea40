/**
 * The ids the sites half of the extension shares with package.json: commands, the view, and the tree items'
 * `contextValue`s that its `when` clauses test. A unit test holds the manifest to these.
 */
export const SITE_COMMANDS = {
  refresh: 'practiceExplorer.refreshSites',
  addConnection: 'practiceExplorer.addConnection',
  editConnection: 'practiceExplorer.editConnection',
  renameConnection: 'practiceExplorer.renameConnection',
  removeConnection: 'practiceExplorer.removeConnection',
  enterSecret: 'practiceExplorer.enterConnectionSecret',
  restoreSandbox: 'practiceExplorer.restoreSandboxConnection',
  addSite: 'practiceExplorer.addSite',
  pairSite: 'practiceExplorer.pairSite',
  removeSite: 'practiceExplorer.removeSite',
  resolveSiteAgain: 'practiceExplorer.resolveSiteAgain',
  useSite: 'practiceExplorer.useSite',
  switchSite: 'practiceExplorer.switchSite',
  openRegisteredQueryResult: 'practiceExplorer.openRegisteredQueryResult',
  cancelRegisteredQuery: 'practiceExplorer.cancelRegisteredQuery',
  clearHistory: 'practiceExplorer.clearHistory',
} as const;

export const SITES_VIEW_CONTAINER = 'practiceExplorer';
export const SITES_VIEW = 'practiceExplorer.sites';

/** `contextValue`s of the tree's items (package.json matches them with `viewItem == …` or `viewItem =~ /…/`). */
export const CONTEXT_VALUES = {
  sandboxConnection: 'connection.sandbox',
  haloConnection: 'connection.haloConnect',
  halaxyConnection: 'connection.halaxy',
  /** Sites of the Sandbox connection: used, never removed. */
  sandboxSite: 'site.sandbox',
  haloSite: 'site.haloConnect',
  halaxySite: 'site.halaxy',
  catalogues: 'catalogues',
  catalogue: 'catalogue',
  fhirResources: 'fhirResources',
  fhirResource: 'fhirResource',
  registeredQueries: 'registeredQueries',
  enabledRegisteredQuery: 'registeredQuery.enabled',
  finishedRegisteredQuery: 'registeredQuery.finished',
  history: 'history',
  historyEntry: 'historyEntry',
  message: 'message',
  action: 'action',
} as const;
