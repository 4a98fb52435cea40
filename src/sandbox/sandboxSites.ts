import { createHash } from 'node:crypto';
import type { Database, SqlJsStatic } from 'sql.js';
import type { PmsType, PracticeManagementName, Site, SiteAvailability, SiteCatalogue } from '../core/haloConnect/wireTypes';
import { PMS_NAME_BY_TYPE } from '../core/haloConnect/wireTypes';
import { buildBestPracticeDatabase } from './data/bestPractice';
import { generatePractice } from './data/practiceGenerator';
import { deriveSeed } from './data/random';
import { buildSandboxPractices } from './data/sandboxPractices';
import type { SandboxPractice } from './data/sandboxPractices';
import { BestPracticeFhirFacade } from './fhir/bestPracticeFhir';
import { SandboxPracticeDatabase } from './sql/practiceDatabase';
import type { PracticeDatabase } from './sql/types';
import { isoAt } from './clock';

/** Which of the Sandbox's fixed sites this is. */
export type SiteRole = 'bestPractice' | 'zedmed' | 'd4w' | 'offline' | 'unreachable' | 'unpaired';

/** One Halo site of the Sandbox with its practice database; availability and pairing change while it runs. */
export interface SandboxSite {
  role: SiteRole;
  /** Halo GUID. */
  id: string;
  pmsType: PmsType;
  practiceManagementName: PracticeManagementName;
  practiceManagementSiteId: string;
  practiceName: string;
  practiceManagementVersion: string;
  availability: SiteAvailability;
  paired: boolean;
  /** Best Practice sites only: what the practice hands the integrator to pair. */
  pairingCode?: string;
  catalogues: SiteCatalogue[];
  database: PracticeDatabase;
  /** The SQLite database behind `database` (and the FHIR facade), closed when the Sandbox stops. */
  db: Database;
  /** Best Practice sites only. */
  fhir?: BestPracticeFhirFacade;
  haloLinkVersion: string;
  createdAt: number;
  enrichedAt: number;
}

export interface SandboxSitesOptions {
  SQL: SqlJsStatic;
  seed: number;
  patients: number;
  /** The Sandbox clock's time: the practices' data is generated around it and their SQL/FHIR "now" follows it. */
  now: () => number;
}

/** A GUID that is a pure function of the seed and a label: the same Sandbox seed always gives the same sites. */
export function seededGuid(seed: number, label: string): string {
  const hex = createHash('sha256').update(`${seed}/${label}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function seededDigits(seed: number, label: string, count: number): string {
  const hex = createHash('sha256').update(`${seed}/${label}`).digest('hex');
  return BigInt('0x' + hex.slice(0, 15)).toString().padStart(count, '0').slice(-count);
}

/** Three letters and three digits, like the codes Best Practice shows a practice for pairing. */
function pairingCode(seed: number, role: SiteRole): string {
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const bytes = createHash('sha256').update(`${seed}/${role}/pairingCode`).digest();
  return [0, 1, 2].map((i) => letters[bytes[i] % letters.length]).join('') + seededDigits(seed, `${role}/pairingCodeDigits`, 3);
}

/**
 * Builds the Sandbox's six sites: Best Practice, Zedmed (two catalogues) and D4w clinics online, a Best Practice site
 * offline, a Zedmed site unreachable, and a Best Practice site not yet paired (it needs its pairing code).
 * Zedmed and D4w site ids and schemas are the Sandbox's own invention: neither vendor publishes them.
 */
export function buildSandboxSites(options: SandboxSitesOptions): SandboxSite[] {
  const { SQL, seed, patients } = options;
  const now = options.now();
  const nowDate = new Date(now);
  const currentDate = (): Date => new Date(options.now());
  const practices = buildSandboxPractices({ SQL, seed, patients, now: nowDate });
  // buildSandboxPractices makes five practices; the not-yet-paired site needs a sixth Best Practice database of its own.
  const unpairedPractice = generatePractice({
    seed: deriveSeed(seed, 'unpaired'),
    patients: Math.max(100, Math.round(patients * 0.1)),
    now: nowDate,
    software: 'Best Practice',
    kind: 'medical',
  });
  const unpaired: SandboxPractice = { ...buildBestPracticeDatabase(SQL, unpairedPractice), practice: unpairedPractice };

  const site = (role: SiteRole, practice: SandboxPractice, pmsType: PmsType, availability: SiteAvailability, pmsSiteId: string): SandboxSite => {
    const database = new SandboxPracticeDatabase(practice, { now: currentDate });
    const build = parseInt(seededDigits(seed, `${role}/haloLink`, 3), 10);
    return {
      role,
      id: seededGuid(seed, `site/${role}`),
      pmsType,
      practiceManagementName: PMS_NAME_BY_TYPE[pmsType],
      practiceManagementSiteId: pmsSiteId,
      practiceName: practice.practice.name,
      practiceManagementVersion: practice.practice.pmsVersion,
      availability,
      paired: role !== 'unpaired',
      pairingCode: pmsType === 'BestPractice' ? pairingCode(seed, role) : undefined,
      catalogues: practice.catalogues.map(({ name, isDefault }) => ({ name, isDefault })),
      database,
      db: practice.db,
      fhir: pmsType === 'BestPractice' ? new BestPracticeFhirFacade(practice.db, { now: currentDate, softwareVersion: practice.practice.pmsVersion }) : undefined,
      // Halo Link's CalVer: YY.MMDD.BuildNumber (e.g. 22.1207.209).
      haloLinkVersion: `25.${1 + (build % 12)}${String(1 + (build % 28)).padStart(2, '0')}.${build}`,
      createdAt: now - (30 + (build % 300)) * 86_400_000,
      enrichedAt: now - (build % 3600) * 1000,
    };
  };
  return [
    site('bestPractice', practices.bestPractice, 'BestPractice', 'online', seededDigits(seed, 'pms/bestPractice', 5)),
    site('zedmed', practices.zedmed, 'Zedmed', 'online', 'ZM' + seededDigits(seed, 'pms/zedmed', 6)),
    site('d4w', practices.d4w, 'D4w', 'online', 'D4W-' + seededDigits(seed, 'pms/d4w', 5)),
    site('offline', practices.offline, 'BestPractice', 'offline', seededDigits(seed, 'pms/offline', 5)),
    site('unreachable', practices.unreachable, 'Zedmed', 'unreachable', 'ZM' + seededDigits(seed, 'pms/unreachable', 6)),
    site('unpaired', unpaired, 'BestPractice', 'online', seededDigits(seed, 'pms/unpaired', 5)),
  ];
}

/** The `SiteForIntegrator` body: current fields plus the deprecated flat copies Halo still sends. */
export function siteBody(site: SandboxSite, availability: SiteAvailability, now: number): Site {
  return {
    id: site.id,
    pmsType: site.pmsType,
    availability,
    status: 'active',
    haloLinkVersion: site.haloLinkVersion,
    enrichedAt: isoAt(site.enrichedAt),
    catalogue: site.catalogues.map((catalogue) => ({ ...catalogue })),
    practiceMetadata: {
      pmsType: site.pmsType,
      practiceName: site.practiceName,
      practiceManagementSiteId: site.practiceManagementSiteId,
      practiceManagementVersion: site.practiceManagementVersion,
    },
    name: site.practiceName,
    practiceManagementSiteId: site.practiceManagementSiteId,
    practiceManagementName: site.practiceManagementName,
    practiceManagementVersion: site.practiceManagementVersion,
    createdAt: isoAt(site.createdAt),
    authoritative: true,
    // An offline or unreachable Halo Link has stopped reporting: its last heartbeat is a while ago.
    clientTimestampUTC: isoAt(availability === 'online' ? now - 15_000 : now - 3_600_000),
    heartbeatTimestampUTC: isoAt(availability === 'online' ? now - 15_000 : now - 3_600_000),
  };
}
