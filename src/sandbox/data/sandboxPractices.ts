import type { SqlJsStatic } from 'sql.js';
import type { PracticeDatabaseSpec } from '../sql/types';
import { buildBestPracticeDatabase } from './bestPractice';
import { buildD4wDatabase } from './d4w';
import { generatePractice } from './practiceGenerator';
import type { GeneratedPractice } from './practiceModel';
import { deriveSeed } from './random';
import { buildZedmedDatabase } from './zedmed';

export type SandboxPractice = PracticeDatabaseSpec & { practice: GeneratedPractice };

/** The five sites the Sandbox serves. `offline` and `unreachable` hold data the server reports as out of reach. */
export interface SandboxPractices {
  bestPractice: SandboxPractice;
  zedmed: SandboxPractice;
  d4w: SandboxPractice;
  /** A Best Practice clinic the server reports offline. */
  offline: SandboxPractice;
  /** A Zedmed clinic the server reports unreachable. */
  unreachable: SandboxPractice;
}

export interface SandboxPracticesOptions {
  SQL: SqlJsStatic;
  seed: number;
  /** Patients of the main Best Practice site; the other sites scale from it (at least 100 each). */
  patients: number;
  now: Date;
}

/** Builds the Sandbox's five practice databases, each from its own seed derived from `seed`. */
export function buildSandboxPractices(options: SandboxPracticesOptions): SandboxPractices {
  const { SQL, seed, patients, now } = options;
  const scaled = (share: number): number => Math.max(100, Math.round(patients * share));
  const site = (
    label: string,
    count: number,
    software: GeneratedPractice['software'],
    build: (SQL: SqlJsStatic, practice: GeneratedPractice) => PracticeDatabaseSpec,
  ): SandboxPractice => {
    const practice = generatePractice({
      seed: deriveSeed(seed, label),
      patients: count,
      now,
      software,
      kind: software === 'D4w' ? 'dental' : 'medical',
    });
    return { ...build(SQL, practice), practice };
  };
  return {
    bestPractice: site('bestPractice', Math.max(1, patients), 'Best Practice', buildBestPracticeDatabase),
    zedmed: site('zedmed', scaled(0.5), 'Zedmed', buildZedmedDatabase),
    d4w: site('d4w', scaled(0.4), 'D4w', buildD4wDatabase),
    offline: site('offline', scaled(0.1), 'Best Practice', buildBestPracticeDatabase),
    unreachable: site('unreachable', scaled(0.1), 'Zedmed', buildZedmedDatabase),
  };
}
