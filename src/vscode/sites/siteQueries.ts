import { capabilityResourceTypes } from '../../core/fhir/capabilities';
import type { RegisteredQuery } from '../../core/haloConnect/wireTypes';
import type { SiteTarget } from './siteTypes';

/** The resource types a site's CapabilityStatement offers: Halo's facade (Best Practice sites) or Halaxy's `metadata`. */
export async function fhirResourceTypes(target: SiteTarget, signal?: AbortSignal): Promise<string[]> {
  if (!target.supports.fhir) {
    return [];
  }
  const statement = target.api === 'halaxy' ? await target.client.capabilities(signal) : await target.client.fhirGet(target.siteId, 'metadata', signal);
  return capabilityResourceTypes(statement);
}

/** A Halo site's registered queries, enabled ones first, then by name. */
export async function registeredQueries(target: SiteTarget, signal?: AbortSignal): Promise<RegisteredQuery[]> {
  if (target.api !== 'haloConnect') {
    return [];
  }
  const queries = await target.client.listRegisteredQueries(target.siteId, signal);
  const rank = (query: RegisteredQuery): number => (query.status === 'enabled' ? 0 : 1);
  return [...queries].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}
