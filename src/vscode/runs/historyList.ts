import type { HistoryEntry } from '../sites/siteTypes';

/** Entries kept, newest first: enough to find yesterday's query, small enough for globalState. */
export const HISTORY_CAP = 200;
/** A request longer than this is kept cut short: history is for finding a query again, not for archiving scripts. */
export const HISTORY_TEXT_CAP = 20_000;

/** The history with `entry` first, its text cut to {@link HISTORY_TEXT_CAP}, and at most {@link HISTORY_CAP} entries. */
export function appendToHistory(entries: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  const text = entry.text.length > HISTORY_TEXT_CAP ? entry.text.slice(0, HISTORY_TEXT_CAP) : entry.text;
  // Only the fields of the contract: a caller's object may carry more (a result, say) and none of it may be stored.
  const kept: HistoryEntry = {
    id: entry.id,
    at: entry.at,
    siteKey: entry.siteKey,
    siteName: entry.siteName,
    language: entry.language,
    text,
    outcome: entry.outcome,
    durationMs: entry.durationMs,
  };
  if (entry.rowCount !== undefined) kept.rowCount = entry.rowCount;
  return [kept, ...entries.filter((existing) => existing.id !== entry.id)].slice(0, HISTORY_CAP);
}

