import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { DocumentMemory } from '../../../../src/vscode/documents/documentMemory';

/** globalState/workspaceState as VS Code keeps them: values go through JSON. */
class MapMemento {
  readonly values = new Map<string, string>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, fallback?: T): T | undefined {
    const stored = this.values.get(key);
    return stored === undefined ? fallback : (JSON.parse(stored) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }
}

const uri = (text: string) => ({ toString: () => text }) as vscode.Uri;

describe('vscode/documents/documentMemory', () => {
  it('remembers a catalogue per document and site, and parameters per document regardless of case', async () => {
    const state = new MapMemento();
    const memory = new DocumentMemory(state as unknown as vscode.Memento);
    await memory.rememberCatalogue(uri('file:///a.sql'), 'sandbox/zm', 'ZedmedBilling');
    await memory.rememberParameters(uri('file:///a.sql'), { '@Surname': 'Smith', '@dob': 'NULL' });
    assert.equal(memory.catalogue(uri('file:///a.sql'), 'sandbox/zm'), 'ZedmedBilling');
    assert.equal(memory.catalogue(uri('file:///a.sql'), 'sandbox/bp'), undefined);
    assert.equal(memory.catalogue(uri('file:///b.sql'), 'sandbox/zm'), undefined);
    assert.equal(memory.parameter(uri('file:///a.sql'), '@SURNAME'), 'Smith');
    await memory.rememberParameters(uri('file:///a.sql'), { '@surname': 'Jones' });
    assert.equal(memory.parameter(uri('file:///a.sql'), '@Surname'), 'Jones');
    assert.equal(memory.parameter(uri('file:///a.sql'), '@dob'), 'NULL');
    assert.equal(memory.catalogue(uri('file:///a.sql'), 'sandbox/zm'), 'ZedmedBilling');
  });

  it('forgets the least recently written documents past its bound', async () => {
    const state = new MapMemento();
    const memory = new DocumentMemory(state as unknown as vscode.Memento);
    for (let index = 0; index < 205; index++) await memory.rememberCatalogue(uri(`file:///${index}.sql`), 'site', `c${index}`);
    await memory.rememberCatalogue(uri('file:///5.sql'), 'site', 'again');
    assert.equal(memory.catalogue(uri('file:///0.sql'), 'site'), undefined);
    assert.equal(memory.catalogue(uri('file:///5.sql'), 'site'), 'again');
    assert.equal(memory.catalogue(uri('file:///204.sql'), 'site'), 'c204');
    assert.equal(Object.keys(state.get<Record<string, unknown>>('practiceExplorer.documentMemory') ?? {}).length, 200);
  });
});
