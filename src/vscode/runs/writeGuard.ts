import { PMS_NAME_BY_TYPE } from '../../core/haloConnect/wireTypes';
import type { ExecutionMode } from '../../core/haloConnect/wireTypes';
import type { SiteSummary } from '../sites/siteTypes';

/** What a run is about to do, as far as the safety check needs to know. */
export type PlannedRun =
  | {
      language: 'sql';
      /** The statements' classification: only `read` is provably read-only. */
      verdict: 'read' | 'write' | 'unknown';
      /** What made it a write (`UPDATE PATIENTS`, `EXEC BP_AddPatient`) or unknown (`could not parse statement 2`). */
      reasons: readonly string[];
      executionMode: ExecutionMode;
    }
  | { language: 'fhir'; method: string; path: string; write: boolean };

/** The modal question to ask before the run, and the one button that lets it go ahead. */
export interface WriteConfirmation {
  message: string;
  detail: string;
  confirm: string;
}

type GuardedSite = Pick<SiteSummary, 'name' | 'pms' | 'connectionName' | 'allowWrites' | 'production'>;

/**
 * The confirmation a run needs before it may go ahead, or undefined when it needs none: a read, or a write on sites
 * that all allow writes (the Sandbox's always do; others only through the `writableSites` setting). SQL counts as a
 * write unless its classification proves it reads (so `unknown` asks too), and a `nonQuery` always counts, whatever
 * its text. Asking is the only way past: there is no setting that turns the check off for every site.
 */
export function writeConfirmation(sites: readonly GuardedSite[], plan: PlannedRun): WriteConfirmation | undefined {
  const guarded = sites.filter((site) => !site.allowWrites);
  const names = guarded.map((site) => `"${site.name}" (${pmsLabel(site.pms)}, ${site.connectionName}${site.production ? ', production' : ''})`);
  const where = names.length === 1 ? names[0] : `${names.length} sites: ${names.join(', ')}`;
  const message = question(plan, where);
  if (message === undefined || guarded.length === 0) return undefined;
  return {
    message,
    detail:
      'Sites are read-only until you say otherwise, and a write to a practice database cannot be undone. ' +
      'To run writes on a site without this question, add its name or GUID to the "practiceExplorer.writableSites" setting.',
    confirm: guarded.length === 1 ? `Write to ${guarded[0].name}` : `Write to ${guarded.length} sites`,
  };
}

/** How a PMS is named to people: `BestPractice` is "Best Practice". */
export function pmsLabel(pms: SiteSummary['pms']): string {
  return pms === 'Halaxy' ? 'Halaxy' : PMS_NAME_BY_TYPE[pms];
}

function question(plan: PlannedRun, where: string): string | undefined {
  if (plan.language === 'fhir') {
    return plan.write ? `This writes to ${where}: ${plan.method.toUpperCase()} ${plan.path.split('?')[0]}. Run it?` : undefined;
  }
  const reasons = [...new Set(plan.reasons)].join(', ');
  switch (plan.verdict) {
    case 'write':
      return `This writes to ${where}: ${reasons || 'it changes data'}. Run it?`;
    case 'unknown':
      return `This may write to ${where}: it could not be proven read-only${reasons ? ` (${reasons})` : ''}. Run it?`;
    case 'read':
      return plan.executionMode === 'nonQuery' ? `This runs as a non-query on ${where}, which may change data. Run it?` : undefined;
  }
}
