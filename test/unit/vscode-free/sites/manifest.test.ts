import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTEXT_VALUES, SITE_COMMANDS, SITES_VIEW, SITES_VIEW_CONTAINER } from '../../../../src/vscode/sites/siteCommandIds';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

interface Manifest {
  contributes: {
    commands: { command: string; title: string; icon?: string }[];
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
    menus: Record<string, MenuEntry[]>;
    configuration: { properties: Record<string, unknown> } | { properties: Record<string, unknown> }[];
  };
}

const root = join(__dirname, '../../../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const contributes = manifest.contributes;
const ours = new Set<string>(Object.values(SITE_COMMANDS));

describe('vscode-free/sites: package.json matches the code', () => {
  it('contributes every sites command, with an icon wherever it shows inline', () => {
    const contributed = new Map(contributes.commands.map((command) => [command.command, command]));
    for (const id of ours) {
      assert.ok(contributed.has(id), `${id} is not in contributes.commands`);
    }
    for (const entry of Object.values(contributes.menus).flat()) {
      if (ours.has(entry.command) && entry.group?.startsWith('inline')) {
        assert.ok(contributed.get(entry.command)?.icon, `${entry.command} shows inline without an icon`);
      }
    }
  });

  it('puts the Sites view in its own activity-bar container, with an icon file and welcome content', () => {
    const container = contributes.viewsContainers.activitybar.find((entry) => entry.id === SITES_VIEW_CONTAINER);
    assert.ok(container);
    assert.match(readFileSync(join(root, container.icon), 'utf8'), /currentColor/);
    assert.ok(contributes.views[SITES_VIEW_CONTAINER].some((view) => view.id === SITES_VIEW));
    const welcome = contributes.viewsWelcome.find((entry) => entry.view === SITES_VIEW);
    assert.match(welcome?.contents ?? '', new RegExp(`command:${SITE_COMMANDS.addConnection}`));
  });

  it('tests in `when` clauses only the contextValues the tree sets', () => {
    const known = Object.values(CONTEXT_VALUES) as string[];
    const entries = Object.values(contributes.menus).flat().filter((entry) => ours.has(entry.command) && entry.when?.includes('viewItem'));
    assert.ok(entries.length > 10);
    for (const entry of entries) {
      assert.match(entry.when ?? '', new RegExp(`view == ${SITES_VIEW.replace('.', '\\.')}`));
      const equal = /viewItem == ([\w.]+)/.exec(entry.when ?? '');
      const pattern = /viewItem =~ \/(.+)\//.exec(entry.when ?? '');
      const matching = equal ? known.filter((value) => value === equal[1]) : known.filter((value) => new RegExp(pattern?.[1] ?? '^$').test(value));
      assert.ok(matching.length > 0, `${entry.command}: "${entry.when}" matches no contextValue`);
    }
  });

  it('declares the writableSites setting as a list of strings that a workspace cannot set', () => {
    const sections = Array.isArray(contributes.configuration) ? contributes.configuration : [contributes.configuration];
    const setting = sections.map((section) => section.properties['practiceExplorer.writableSites']).find((value) => value !== undefined) as
      | { type: string; items: { type: string }; scope: string }
      | undefined;
    assert.deepEqual([setting?.type, setting?.items.type, setting?.scope], ['array', 'string', 'application']);
  });
});
