import { randomUUID } from 'node:crypto';
import type { OperationOutcome } from './operationOutcome';
import type { FhirResource } from './searchParameters';

export type LinkRelation = 'self' | 'first' | 'previous' | 'next' | 'last';

export interface BundleEntry {
  fullUrl?: string;
  resource: FhirResource | OperationOutcome;
  search: { mode: 'match' | 'include' | 'outcome' };
}

export interface SearchsetBundle {
  resourceType: 'Bundle';
  id: string;
  meta: { lastUpdated: string };
  type: 'searchset';
  total?: number;
  link: { relation: LinkRelation; url: string }[];
  entry?: BundleEntry[];
}

/**
 * A search URL with readable parameters: values are percent-encoded except `,`, `:` and `/`, which FHIR search
 * values use constantly and which every URL parser leaves alone in a query string.
 */
export function searchUrl(baseUrl: string, type: string, params: readonly (readonly [string, string])[]): string {
  const encode = (text: string) => encodeURIComponent(text).replace(/%2C/gi, ',').replace(/%3A/gi, ':').replace(/%2F/gi, '/');
  const query = params.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
  return `${baseUrl.replace(/\/+$/, '')}/${type}${query === '' ? '' : `?${query}`}`;
}

export function resourceUrl(baseUrl: string, resource: FhirResource): string {
  return `${baseUrl.replace(/\/+$/, '')}/${resource.resourceType}/${resource.id}`;
}

export function searchsetBundle(
  now: Date,
  total: number | undefined,
  link: SearchsetBundle['link'],
  entry: BundleEntry[] | undefined,
): SearchsetBundle {
  // Members in the order R4 lists them (total before link), so the JSON reads like the spec's examples.
  const bundle: SearchsetBundle = {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: now.toISOString() },
    type: 'searchset',
    ...(total === undefined ? {} : { total }),
    link,
  };
  if (entry !== undefined && entry.length > 0) {
    bundle.entry = entry;
  }
  return bundle;
}
