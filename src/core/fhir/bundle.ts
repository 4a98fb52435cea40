import { ApiError } from '../errors';

/** Any FHIR resource, as the server sent it. */
export interface FhirResource {
  resourceType: string;
  id?: string;
  [field: string]: unknown;
}

export interface BundleLink {
  relation: string;
  url: string;
}

export interface BundleEntry {
  fullUrl?: string;
  resource?: FhirResource;
  search?: { mode?: 'match' | 'include' | 'outcome'; score?: number };
}

export interface Bundle extends FhirResource {
  resourceType: 'Bundle';
  type: string;
  total?: number;
  link?: BundleLink[];
  entry?: BundleEntry[];
}

export function isBundle(value: unknown): value is Bundle {
  const candidate = value as Partial<Bundle> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.resourceType === 'Bundle' &&
    (candidate.link === undefined || Array.isArray(candidate.link)) &&
    (candidate.entry === undefined || Array.isArray(candidate.entry))
  );
}

/**
 * The resources a search matched (`match`, or entries without a search mode), or the ones `_include` brought along
 * (`include`).
 */
export function bundleResources(bundle: Bundle, mode: 'match' | 'include' = 'match'): FhirResource[] {
  return (bundle.entry ?? [])
    .filter((entry) => (entry.search?.mode ?? 'match') === mode)
    .flatMap((entry) => (entry.resource ? [entry.resource] : []));
}

/**
 * The URL of the page after `bundle`, or undefined on the last page. Links may be absolute or relative: relative to
 * the FHIR base (`Patient?page=2`, `/main/Patient?page=2`) or, query only (`?page=2`), to the page they came from.
 * A link that leaves the API's base (another host, another path) is refused: following it would hand the bearer
 * token to whoever it names.
 */
export function nextPageUrl(bundle: Bundle, baseUrl: URL, pageUrl: URL): URL | undefined {
  const link = bundle.link?.find((candidate) => candidate?.relation === 'next')?.url;
  if (typeof link !== 'string' || link.trim() === '') {
    return undefined;
  }
  let next: URL;
  try {
    next = link.startsWith('?') ? new URL(link, pageUrl) : new URL(link, withTrailingSlash(baseUrl));
  } catch {
    throw new ApiError('badResponse', 'The server sent a next-page link that is not a URL.');
  }
  const basePath = withTrailingSlash(baseUrl).pathname;
  if (next.origin !== baseUrl.origin || !`${next.pathname}/`.startsWith(basePath)) {
    throw new ApiError('badResponse', `The server sent a next-page link outside the API (${next.origin}${next.pathname}); it was not followed.`);
  }
  return next;
}

function withTrailingSlash(url: URL): URL {
  const copy = new URL(url.href);
  copy.pathname = copy.pathname.endsWith('/') ? copy.pathname : `${copy.pathname}/`;
  copy.search = '';
  copy.hash = '';
  return copy;
}
