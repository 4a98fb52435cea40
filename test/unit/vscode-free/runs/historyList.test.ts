import assert from 'node:assert/strict';
import { appendToHistory, HISTORY_CAP, HISTORY_TEXT_CAP } from '../../../../src/vscode/runs/historyList';
import type { HistoryEntry } from '../../../../src/vscode/sites/siteTypes';

const entry = (id: string, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id,
  at: '2025-01-01T00:00:00.000Z',
  siteKey: 'sandbox/abc',
  siteName: 'Bendigo Medical Clinic',
  language: 'sql',
  text: 'SELECT 1',
  outcome: 'succeeded',
  durationMs: 12,
  ...extra,
});

describe('vscode/runs/historyList', () => {
  it('puts the newest first and keeps at most the cap', () => {
    let entries: HistoryEntry[] = [];
    for (let index = 0; index < HISTORY_CAP + 5; index++) entries = appendToHistory(entries, entry(String(index)));
    assert.equal(entries.length, HISTORY_CAP);
    assert.equal(entries[0].id, String(HISTORY_CAP + 4));
    assert.equal(entries[entries.length - 1].id, '5');
  });

  it('stores only the contract fields, never rows, and cuts long text', () => {
    const withRows = { ...entry('1', { text: 'x'.repeat(HISTORY_TEXT_CAP + 10), rowCount: 3 }), rows: [['Ann', 'Smith']] } as HistoryEntry;
    const [kept] = appendToHistory([], withRows);
    assert.equal(kept.text.length, HISTORY_TEXT_CAP);
    assert.equal(kept.rowCount, 3);
    assert.equal('rows' in kept, false);
    assert.doesNotMatch(JSON.stringify(kept), /Smith/);
  });

  it('replaces an entry with the same id', () => {
    const entries = appendToHistory([entry('a'), entry('b')], entry('a', { outcome: 'failed' }));
    assert.deepEqual(entries.map((item) => [item.id, item.outcome]), [['a', 'failed'], ['b', 'succeeded']]);
  });
});
