import type { HalaxyRegion } from '../../core/halaxy/halaxyClient';
import type { HaloEnvironment } from '../../core/haloConnect/haloConnectClient';
import type { PmsType, Site, SiteAvailability, SiteCatalogue, SiteStatus } from '../../core/haloConnect/wireTypes';
import type { SiteSummary } from './siteTypes';

/** A Halo site as remembered between sessions: what lookup or pairing told us, refreshed by `getSite`. */
export interface RememberedSite {
  /** Halo GUID. */
  id: string;
  name: string;
  pmsType: PmsType;
  pmsSiteId: string;
  pmsVersion?: string;
  haloLinkVersion?: string;
  availability?: SiteAvailability;
  status?: SiteStatus;
  catalogues: SiteCatalogue[];
}

/** The Sandbox's Halaxy practice: its API key's client id (the secret comes from the running Sandbox) and name. */
export interface RememberedHalaxyPractice {
  clientId: string;
  name: string;
}

/** A connection as persisted in globalState: never a secret (those are in SecretStorage under the connection's id). */
export type StoredConnection =
  | { kind: 'sandbox'; id: typeof SANDBOX_CONNECTION_ID; name: string }
  | { kind: 'haloConnect'; id: string; name: string; environment: HaloEnvironment; sites: RememberedSite[] }
  | { kind: 'halaxy'; id: string; name: string; region: HalaxyRegion; clientId: string; practiceName?: string };

export type HaloConnection = Extract<StoredConnection, { kind: 'haloConnect' }>;
export type HalaxyConnection = Extract<StoredConnection, { kind: 'halaxy' }>;

export const SANDBOX_CONNECTION_ID = 'sandbox';
export const SANDBOX_CONNECTION_NAME = 'Sandbox';

export function siteKey(connectionId: string, siteId: string): string {
  return `${connectionId}/${siteId}`;
}

/** The remembered form of a site as Halo describes it (current fields first, the deprecated flat ones as fallback). */
export function rememberSite(site: Site): RememberedSite {
  const metadata = site.practiceMetadata ?? {};
  return {
    id: site.id,
    name: metadata.practiceName ?? site.name ?? site.id,
    pmsType: metadata.pmsType ?? site.pmsType,
    pmsSiteId: metadata.practiceManagementSiteId ?? site.practiceManagementSiteId ?? '',
    pmsVersion: metadata.practiceManagementVersion ?? site.practiceManagementVersion,
    haloLinkVersion: site.haloLinkVersion,
    availability: site.availability,
    status: site.status,
    catalogues: (site.catalogue ?? []).map(({ name, isDefault }) => ({ name, isDefault })),
  };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** True unless the URL names this machine: any other host may serve a real clinic. */
export function isRemoteUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return !(LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host));
  } catch {
    return true;
  }
}

export function connectionIsProduction(connection: StoredConnection): boolean {
  switch (connection.kind) {
    case 'sandbox':
      return false;
    case 'haloConnect':
      return typeof connection.environment === 'string' || isRemoteUrl(connection.environment.baseUrl);
    case 'halaxy':
      return typeof connection.region === 'string' || isRemoteUrl(connection.region.baseUrl);
  }
}

/** Where a connection points, for descriptions and tooltips: `production`, `stage`, `AU`, `EU` or the URL. */
export function connectionTarget(connection: StoredConnection): string {
  switch (connection.kind) {
    case 'sandbox':
      return 'built in';
    case 'haloConnect':
      return typeof connection.environment === 'string' ? connection.environment : connection.environment.baseUrl;
    case 'halaxy':
      return typeof connection.region === 'string' ? connection.region.toUpperCase() : connection.region.baseUrl;
  }
}

/** Halo's `BestPractice` as people write it. */
export function pmsLabel(pms: SiteSummary['pms']): string {
  return pms === 'BestPractice' ? 'Best Practice' : pms;
}

/** True when the `writableSites` setting names this site by GUID (or client id), key or practice name. */
export function isWritable(site: Pick<SiteSummary, 'key' | 'siteId' | 'name'>, writableSites: readonly string[]): boolean {
  const names = new Set([site.key, site.siteId, site.name].map((value) => value.trim().toLowerCase()));
  return writableSites.some((entry) => names.has(entry.trim().toLowerCase()));
}

export function haloSiteSummary(
  connection: Pick<StoredConnection, 'id' | 'name' | 'kind'>,
  site: RememberedSite,
  options: { production: boolean; allowWrites: boolean },
): SiteSummary {
  return {
    key: siteKey(connection.id, site.id),
    connectionId: connection.id,
    connectionName: connection.name,
    connectionKind: connection.kind,
    siteId: site.id,
    name: site.name,
    pms: site.pmsType,
    production: options.production,
    allowWrites: options.allowWrites,
    catalogues: site.catalogues,
    // Halo's FHIR facade serves Best Practice sites only.
    supports: { sql: true, fhir: site.pmsType === 'BestPractice' },
  };
}

export function halaxySiteSummary(
  connection: Pick<StoredConnection, 'id' | 'name' | 'kind'>,
  practice: RememberedHalaxyPractice,
  options: { production: boolean; allowWrites: boolean },
): SiteSummary {
  return {
    key: siteKey(connection.id, practice.clientId),
    connectionId: connection.id,
    connectionName: connection.name,
    connectionKind: connection.kind,
    siteId: practice.clientId,
    name: practice.name,
    pms: 'Halaxy',
    production: options.production,
    allowWrites: options.allowWrites,
    catalogues: [],
    supports: { sql: false, fhir: true },
  };
}

/** By key, site id (GUID or client id) or practice name, case-insensitive; the first match in list order. */
export function findSite(sites: readonly SiteSummary[], reference: string): SiteSummary | undefined {
  const wanted = reference.trim().toLowerCase();
  if (wanted === '') {
    return undefined;
  }
  return (
    sites.find((site) => site.key.toLowerCase() === wanted) ??
    sites.find((site) => site.siteId.toLowerCase() === wanted) ??
    sites.find((site) => site.name.toLowerCase() === wanted)
  );
}

/** Input checks for the connection dialogs: a sentence saying what is wrong, or undefined when the value is fine. */
export const validate = {
  connectionName(value: string, otherNames: readonly string[]): string | undefined {
    const name = value.trim();
    if (name === '') {
      return 'Give the connection a name.';
    }
    if (name.length > 80) {
      return 'Keep the name under 80 characters.';
    }
    if (otherNames.some((other) => other.trim().toLowerCase() === name.toLowerCase())) {
      return `A connection named "${name}" exists already.`;
    }
    return undefined;
  },
  baseUrl(value: string): string | undefined {
    const text = value.trim();
    if (text === '') {
      return 'Enter the base URL, for example https://api.example.com.';
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return `"${text}" is not a URL: write it in full, starting with https://.`;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return `The URL must start with https:// or http://, not ${url.protocol}//.`;
    }
    if (url.username !== '' || url.password !== '') {
      return 'Leave credentials out of the URL: the key is asked for separately and kept in secret storage.';
    }
    if (url.search !== '' || url.hash !== '') {
      return 'The base URL takes no query string or fragment.';
    }
    return undefined;
  },
  secret(value: string, what: string): string | undefined {
    if (value.trim() === '') {
      return `The ${what} cannot be empty.`;
    }
    if (/\s/.test(value.trim())) {
      return `The ${what} has spaces in it: paste it exactly as it was given to you.`;
    }
    return undefined;
  },
  pmsSiteId(value: string): string | undefined {
    if (value.trim() === '') {
      return "Enter the site's id in its practice management system.";
    }
    return undefined;
  },
  pairingCode(value: string): string | undefined {
    if (value.trim() === '') {
      return 'Enter the pairing code the practice generated in Best Practice.';
    }
    return undefined;
  },
};

/** The base URL as stored: trimmed, without trailing slashes. */
export function normaliseBaseUrl(value: string): string {
  return value.trim().replace(/\/+$/, '');
}
