import { classifySql } from '../../core/documents/sqlSafety';
import type { SqlVerdict } from '../../core/documents/sqlSafety';
import { splitSqlStatements } from '../../core/documents/sqlStatements';
import type { ExecutionMode } from '../../core/haloConnect/wireTypes';
import type { PlannedRun } from './writeGuard';

// The VS Code side imports this module lazily (on the first run): the classifier brings a whole T-SQL parser with it.

/** How the run is classified for the write guard, and the execution mode that fits it. */
export function sqlPlan(text: string): Extract<PlannedRun, { language: 'sql' }> {
  const classification = classifySql(text);
  return { language: 'sql', verdict: classification.verdict, reasons: classification.reasons, executionMode: executionModeFor(text, classification.verdict) };
}

/**
 * `nonQuery` for plain INSERT/UPDATE/DELETE (the panel then says how many rows changed); `reader` for everything else,
 * procedures included, since they may return rows — and for DML with an OUTPUT clause, which does.
 */
export function executionModeFor(text: string, verdict: SqlVerdict): ExecutionMode {
  if (verdict !== 'write') return 'reader';
  const statements = splitSqlStatements(text);
  const dml = statements.every((statement) => /^\s*(INSERT|UPDATE|DELETE)\b/i.test(statement.text) && !/\bOUTPUT\b/i.test(statement.text));
  return statements.length > 0 && dml ? 'nonQuery' : 'reader';
}

