import type { FhirRequest } from '../../core/documents/fhirDocument';
import { ApiError } from '../../core/errors';
import type { FhirResource } from '../../core/fhir/bundle';
import { searchQuery } from '../../core/fhir/searchQuery';
import type { HalaxyClient } from '../../core/halaxy/halaxyClient';
import type { HaloConnectClient } from '../../core/haloConnect/haloConnectClient';
import type { PmsType } from '../../core/haloConnect/wireTypes';

/** What of a parsed `.fhir` request the run needs. */
export type FhirCall = Pick<FhirRequest, 'method' | 'path' | 'query' | 'body'>;

/** The site a request is for: its name, and its PMS, which says whether it goes to Halo's facade or to Halaxy. */
export interface FhirSite {
  name: string;
  pms: PmsType | 'Halaxy';
}

/** Where a FHIR request can go: Halo's facade on a site, or Halaxy. */
export type FhirTarget = { site: FhirSite } & (
  | { api: 'haloConnect'; client: Pick<HaloConnectClient, 'fhirGet' | 'fhirSearch'>; siteId: string }
  | { api: 'halaxy'; client: Pick<HalaxyClient, 'read' | 'search' | 'create' | 'update' | 'patch' | 'book' | 'find' | 'exportPatientIds' | 'capabilities'> }
);

/**
 * Refuses, before anything is sent or confirmed, what the target cannot do: Halo's facade serves Best Practice sites
 * only and only reads; Halaxy deletes nothing. Undefined when the request may go ahead.
 */
export function unsupportedFhirCall(site: FhirSite, call: FhirCall): ApiError | undefined {
  if (site.pms === 'Halaxy') {
    return call.method === 'DELETE' ? new ApiError('notAllowed', 'Halaxy does not let anything be deleted through its API.') : undefined;
  }
  if (site.pms !== 'BestPractice') {
    return new ApiError('notAllowed', `${site.name} runs ${site.pms}: Halo Connect's FHIR facade serves Best Practice sites only.`);
  }
  if (call.method === 'GET' || (call.method === 'POST' && searchType(segmentsOf(call.path)) !== undefined)) return undefined;
  return new ApiError('notAllowed', `Halo Connect's FHIR facade only reads (GET, and POST {type}/_search): ${call.method} ${call.path} cannot run there.`);
}

/** Sends one `.fhir` request; resolves with the server's resource (a Bundle for searches) or rejects with `ApiError`. */
export async function executeFhir(target: FhirTarget, call: FhirCall, signal?: AbortSignal): Promise<FhirResource> {
  const refusal = unsupportedFhirCall(target.site, call);
  if (refusal) throw refusal;
  const segments = segmentsOf(call.path);
  const type = searchType(segments);
  if (target.api === 'haloConnect') {
    if (call.method === 'POST' && type !== undefined) return target.client.fhirSearch(target.siteId, type, searchForm(call), signal);
    const query = searchQuery(call.query);
    return target.client.fhirGet(target.siteId, query === '' ? call.path : `${call.path}?${query}`, signal);
  }
  const client = target.client;
  const [first, second] = segments;
  switch (`${call.method} ${segments.length}`) {
    case 'GET 1':
      return first === 'metadata' ? client.capabilities(signal) : client.search(first, call.query, signal);
    case 'GET 2':
      if (first === 'Patient' && second === '$export-ids') return client.exportPatientIds(signal);
      if (first === 'Appointment' && second === '$find') return client.find(call.query, signal);
      return client.read(first, second, signal);
    case 'POST 1':
      return client.create({ ...jsonBody(call), resourceType: bodyType(call, first) }, signal);
    case 'POST 2':
      if (type !== undefined) return client.search(type, searchForm(call), signal);
      if (first === 'Appointment' && second === '$book') return client.book(jsonBody(call) as FhirResource, signal);
      break;
    case 'PUT 2': {
      const resource = jsonBody(call);
      if (resource.id !== undefined && resource.id !== second) {
        throw new ApiError('badRequest', `The body's id "${String(resource.id)}" is not the id in the address (${second}).`);
      }
      return client.update({ ...resource, resourceType: bodyType(call, first), id: second }, signal);
    }
    case 'PATCH 2':
      return client.patch(first, second, jsonBody(call), signal);
  }
  throw new ApiError('notAllowed', `Halaxy does not offer ${call.method} ${call.path}.`);
}

/**
 * The request as a `.fhir` document would write it, variables already substituted, for history and titles. Query
 * values are written as FHIR search sends them (`+` as `%2B`), so the text parses back to the same request.
 */
export function requestText(call: FhirCall): string {
  const query = searchQuery(call.query);
  const line = `${call.method} ${call.path}${query ? `?${query}` : ''}`;
  const body = call.body;
  if (!body) return line;
  switch (body.kind) {
    case 'json':
    case 'text':
      return `${line}\n\n${body.text}`;
    case 'form':
      return `${line}\n\n${searchQuery(body.params)}`;
  }
}

function segmentsOf(path: string): string[] {
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.length === 0) throw new ApiError('badRequest', 'The request names no FHIR resource.');
  return segments;
}

function searchType(segments: readonly string[]): string | undefined {
  return segments.length === 2 && segments[1] === '_search' ? segments[0] : undefined;
}

/** A `POST …/_search`'s parameters: those of its address, then those of its form body. */
function searchForm(call: FhirCall): URLSearchParams {
  const form = new URLSearchParams(call.query);
  if (call.body?.kind === 'form') for (const [name, value] of call.body.params) form.append(name, value);
  return form;
}

function jsonBody(call: FhirCall): Record<string, unknown> {
  const body = call.body;
  if (body?.kind !== 'json') {
    throw new ApiError('badRequest', `${call.method} ${call.path} needs a JSON body${body ? ' (this one is not valid JSON)' : ''}.`);
  }
  if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
    throw new ApiError('badRequest', `The body of ${call.method} ${call.path} must be a JSON object.`);
  }
  return body.value as Record<string, unknown>;
}

function bodyType(call: FhirCall, type: string): string {
  const declared = jsonBody(call).resourceType;
  if (declared !== undefined && declared !== type) {
    throw new ApiError('badRequest', `The body is a ${String(declared)}, but the address is ${type}.`);
  }
  return type;
}
