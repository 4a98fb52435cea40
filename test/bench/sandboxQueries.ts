import initSqlJs from 'sql.js';
import { buildSandboxPractices } from '../../src/sandbox/data/sandboxPractices';
import { BestPracticeFhirFacade } from '../../src/sandbox/fhir/bestPracticeFhir';
import { SandboxPracticeDatabase } from '../../src/sandbox/sql/practiceDatabase';
import type { BenchFigure } from './benchReport';
import { medianMs } from './benchReport';

const NOW = new Date('2026-06-01T09:00:00+10:00');

/**
 * The Sandbox's own speed, on its default 2,000-patient Best Practice practice: T-SQL through the translator against
 * plain sql.js reading the same rows, and a FHIR search against reading every patient row it searches.
 */
export async function sandboxQueryFigures(): Promise<BenchFigure[]> {
  const SQL = await initSqlJs();
  const { bestPractice } = buildSandboxPractices({ SQL, seed: 1, patients: 2000, now: NOW });
  const database = new SandboxPracticeDatabase(bestPractice, { now: () => NOW });
  const readAll = (sql: string): number => {
    const statement = bestPractice.db.prepare(sql);
    let rows = 0;
    while (statement.step()) {
      statement.get();
      rows++;
    }
    statement.free();
    return rows;
  };

  const text = 'SELECT * FROM dbo.SERVICES';
  const rowCount = readAll(text.replace('dbo.', ''));
  const viaSandbox = medianMs(5, () => database.execute({ text, type: 'text', executionMode: 'reader', parameters: [] }));
  const viaSqlJs = medianMs(5, () => readAll('SELECT * FROM SERVICES'));

  const facade = new BestPracticeFhirFacade(bestPractice.db, { now: () => NOW });
  const params = new URLSearchParams('family=smi&birthdate=ge1970&_count=50');
  const baseUrl = 'http://127.0.0.1/integrator/sites/site/fhir/R4';
  const search = medianMs(5, () => facade.handle({ method: 'GET', path: 'Patient', params, baseUrl }));
  const scan = medianMs(5, () => readAll('SELECT * FROM PATIENTS'));

  return [
    {
      name: `sandbox T-SQL rows per second (${rowCount} rows)`,
      value: rowCount / (viaSandbox / 1000), baseline: rowCount / (viaSqlJs / 1000), unit: 'rows/s',
      goal: { op: '>=', target: 0.5, on: 'ratio' },
    },
    { name: 'sandbox FHIR Patient search', value: search, baseline: scan, unit: 'ms', goal: { op: '<=', target: 10, on: 'ratio' } },
  ];
}
