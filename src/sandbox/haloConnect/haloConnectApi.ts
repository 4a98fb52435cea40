import type { PracticeManagementName, Query, QueryStatusBatchResult, SiteAvailability } from '../../core/haloConnect/wireTypes';
import type { Clock } from '../clock';
import type { Faults } from '../faults';
import { FaultSpecError } from '../faults';
import { operationOutcome } from '../fhir/operationOutcome';
import type { HttpHandler, HttpRequest, HttpResponse } from '../httpServer';
import { siteBody } from '../sandboxSites';
import type { SandboxSite } from '../sandboxSites';
import { errorEnvelope, HALO_MESSAGES, HaloHttpError } from './haloErrors';
import type { RegisteredQueries } from './registeredQueries';
import { isGuid, parseJsonBody, validateQueryIds, validateQueryRequest, validateRegisteredQuery } from './requestValidation';
import { malformedData } from './resultPages';
import { assertReachable } from './sqlPassthrough';
import type { SqlPassthrough } from './sqlPassthrough';

export interface HaloConnectApiOptions {
  key: string;
  sites: readonly SandboxSite[];
  faults: Faults;
  clock: Clock;
  passthrough: SqlPassthrough;
  registered: RegisteredQueries;
  availability(site: SandboxSite): SiteAvailability;
  /** Real-time wait for the latency fault (network delay is not the Sandbox's clock). */
  wait(ms: number): Promise<void>;
  /** The Sandbox's own base URL, for absolute FHIR links. */
  baseUrl(): string;
}

/** Path of the Sandbox's own fault-injection endpoint (not part of Halo's API). */
export const FAULTS_PATH = '/_sandbox/faults';

const PMS_NAMES: readonly PracticeManagementName[] = ['Best Practice', 'Zedmed', 'D4w'];
const STREAM_CHUNK_CHARS = 64 * 1024;

type Params = Record<string, string>;
type Route = { method: string; pattern: RegExp; fhir?: boolean; handle: (request: HttpRequest, params: Params) => Promise<HttpResponse> | HttpResponse };

const json = (status: number, body: unknown, headers?: Record<string, string>): HttpResponse => ({ status, json: body, headers });

/**
 * Halo Connect's integrator API over the Sandbox's sites: authentication, fault injection, routing, and the error
 * shapes Halo uses (the general envelope; OperationOutcome for errors raised on FHIR routes).
 */
export function createHaloConnectHandler(options: HaloConnectApiOptions): HttpHandler {
  const { faults, passthrough, registered } = options;
  const site = (path: string): string => `^/integrator/sites/(?<siteId>[^/]+)${path}$`;

  const resolveSite = (rawId: string): SandboxSite => {
    const id = decodeURIComponent(rawId);
    if (!isGuid(id)) {
      throw new HaloHttpError(400, `"${id}" is not a valid Halo GUID.`);
    }
    const found = options.sites.find((candidate) => candidate.id === id.toLowerCase());
    if (!found) {
      throw new HaloHttpError(404, `Site ${id} was not found.`);
    }
    if (!found.paired) {
      throw new HaloHttpError(403, `Access to site ${id} is forbidden: this integrator is not paired with it. Pair first with POST /integrator/pair-site.`);
    }
    return found;
  };

  const queryId = (raw: string): string => {
    const id = decodeURIComponent(raw);
    if (!isGuid(id)) {
      throw new HaloHttpError(400, `"${id}" is not a valid query id.`);
    }
    return id.toLowerCase();
  };

  const pageNumber = (raw: string): number => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
      throw new HaloHttpError(400, `pageNumber must be a positive integer (got "${decodeURIComponent(raw)}").`);
    }
    return value;
  };

  const requirePmsQuery = (request: HttpRequest): { pmsSiteId: string; pmsName: PracticeManagementName } => {
    const pmsSiteId = request.query.get('practiceManagementSiteId');
    const pmsName = request.query.get('practiceManagementName');
    if (!pmsSiteId) {
      throw new HaloHttpError(400, 'practiceManagementSiteId is required.');
    }
    if (!pmsName) {
      throw new HaloHttpError(400, 'practiceManagementName is required.');
    }
    if (!(PMS_NAMES as readonly string[]).includes(pmsName)) {
      throw new HaloHttpError(400, `practiceManagementName must be one of: ${PMS_NAMES.join(', ')}.`);
    }
    return { pmsSiteId, pmsName: pmsName as PracticeManagementName };
  };

  const pair = (request: HttpRequest): HttpResponse => {
    const { pmsSiteId, pmsName } = requirePmsQuery(request);
    const target = options.sites.find((candidate) => candidate.practiceManagementSiteId === pmsSiteId && candidate.practiceManagementName === pmsName);
    if (!target) {
      throw new HaloHttpError(404, `No ${pmsName} site with practiceManagementSiteId "${pmsSiteId}" is connected to Halo.`);
    }
    if (target.pairingCode !== undefined) {
      const code = request.query.get('pairingCode');
      if (!code) {
        throw new HaloHttpError(400, 'pairingCode is required to pair with a Best Practice site: ask the practice to generate one.');
      }
      if (code.trim().toUpperCase() !== target.pairingCode) {
        throw new HaloHttpError(403, 'The pairing code is not valid for this site. Ask the practice for a new pairing code.');
      }
    }
    target.paired = true;
    return json(200, siteBody(target, options.availability(target), options.clock.now()));
  };

  const resultPage = (params: Params, stream: boolean): HttpResponse => {
    const target = resolveSite(params.siteId);
    const { page, parameters } = passthrough.page(target, queryId(params.queryId), pageNumber(params.pageNumber));
    const headers = {
      Size: String(page.size),
      'Rows-Count': String(page.count),
      'Rows-Range-Start': String(page.rangeStart),
      'Rows-Range-End': String(page.rangeEnd),
    };
    const malformed = faults.takeMalformedPage();
    const nonQuery = page.json === '';
    if (stream) {
      // The stream carries the page's decoded JSON (the array of rows), not the base64 envelope: streaming exists to spare
      // clients the envelope's memory, and the spec describes it as "the JSON content of a single page".
      const text = malformed ? malformedJson(nonQuery ? '[]' : page.json) : nonQuery ? '[]' : page.json;
      return { status: 200, headers, chunks: chunk(text) };
    }
    const body: Record<string, unknown> = {};
    if (!nonQuery) {
      body.data = malformed ? malformedData(page.json, malformed) : Buffer.from(page.json).toString('base64');
    }
    if (parameters) {
      body.parameters = parameters;
    }
    return json(200, body, headers);
  };

  const fhir = (request: HttpRequest, target: SandboxSite, method: 'GET' | 'POST', path: string, params: URLSearchParams): HttpResponse => {
    if (!target.fhir) {
      // Halo's FHIR facade exists for Best Practice only; other PMS types have nothing behind the route.
      return json(400, operationOutcome('error', 'not-supported', `The FHIR API is not available for ${target.practiceManagementName} sites: it supports Best Practice only.`));
    }
    const availability = options.availability(target);
    if (availability !== 'online') {
      try {
        assertReachable(availability);
      } catch (error) {
        // A site out of reach is a gateway failure, reported in Halo's general envelope (the spec allows it on FHIR routes).
        const failure = error as HaloHttpError;
        return json(failure.status, errorEnvelope(failure.status, failure.message));
      }
    }
    const baseUrl = `${options.baseUrl()}/integrator/sites/${target.id}/fhir/R4`;
    const prefer = String(request.headers.prefer ?? '');
    const handling = /handling=strict/i.test(prefer) ? 'strict' : 'lenient';
    const answer = target.fhir.handle({ method, path, params, baseUrl, handling });
    return json(answer.status, answer.body);
  };

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/integrator\/sites$/,
      handle: (request) => {
        const { pmsSiteId, pmsName } = requirePmsQuery(request);
        const now = options.clock.now();
        const sites = options.sites
          .filter((candidate) => candidate.paired && candidate.practiceManagementSiteId === pmsSiteId && candidate.practiceManagementName === pmsName)
          .map((candidate) => siteBody(candidate, options.availability(candidate), now));
        return json(200, { sites });
      },
    },
    { method: 'POST', pattern: /^\/integrator\/pair-site$/, handle: pair },
    { method: 'POST', pattern: /^\/integrator\/pairSite$/, handle: pair },
    {
      method: 'GET',
      pattern: new RegExp(site('')),
      handle: (_request, params) => {
        const target = resolveSite(params.siteId);
        return json(200, siteBody(target, options.availability(target), options.clock.now()));
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(site('/queries/immediate')),
      handle: async (request, params) => {
        const target = resolveSite(params.siteId);
        const validated = validateQueryRequest(parseJsonBody(request.body), 'immediate');
        const { status, body } = await passthrough.runImmediate(target, validated, request.body.length);
        return json(status, body);
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(site('/queries/async')),
      handle: (request, params) => {
        const target = resolveSite(params.siteId);
        const validated = validateQueryRequest(parseJsonBody(request.body), 'async');
        return json(201, passthrough.submitAsync(target, validated, request.body.length));
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(site('/queries/status')),
      handle: (request, params) => {
        const target = resolveSite(params.siteId);
        const ids = validateQueryIds(parseJsonBody(request.body));
        const results: QueryStatusBatchResult[] = ids.map((id) => {
          const query = passthrough.get(target, id);
          return query ? { queryId: id, status: 'found', query } : { queryId: id, status: 'notFound' };
        });
        return json(200, { results });
      },
    },
    {
      method: 'POST',
      pattern: new RegExp(site('/queries/registered')),
      handle: (request, params) => {
        const target = resolveSite(params.siteId);
        const validated = validateRegisteredQuery(parseJsonBody(request.body));
        return json(202, { id: registered.create(target, validated, request.body.length) });
      },
    },
    { method: 'GET', pattern: new RegExp(site('/queries/registered')), handle: (_request, params) => json(200, { registeredQueries: registered.list(resolveSite(params.siteId)) }) },
    {
      method: 'GET',
      pattern: new RegExp(site('/queries/registered/(?<queryId>[^/]+)')),
      handle: (_request, params) => json(200, registered.get(resolveSite(params.siteId), queryId(params.queryId))),
    },
    {
      method: 'DELETE',
      pattern: new RegExp(site('/queries/registered/(?<queryId>[^/]+)')),
      handle: (_request, params) => {
        registered.cancel(resolveSite(params.siteId), queryId(params.queryId));
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(site('/queries/registered/(?<queryId>[^/]+)/results')),
      handle: (_request, params) => json(200, registered.latestResult(resolveSite(params.siteId), queryId(params.queryId))),
    },
    {
      method: 'GET',
      pattern: new RegExp(site('/queries/(?<queryId>[^/]+)')),
      handle: (_request, params) => {
        const target = resolveSite(params.siteId);
        const id = queryId(params.queryId);
        // The spec types this response as an async query only, yet documents that immediate queries are retrievable
        // here too: the Sandbox returns them as they are (mode "immediate", inline result), as the real service does.
        const query: Query | undefined = passthrough.get(target, id);
        if (!query) {
          throw new HaloHttpError(404, `Query ${id} was not found for this site.`);
        }
        return json(200, query);
      },
    },
    { method: 'GET', pattern: new RegExp(site('/queries/(?<queryId>[^/]+)/results/(?<pageNumber>[^/]+)')), handle: (_request, params) => resultPage(params, false) },
    { method: 'GET', pattern: new RegExp(site('/queries/(?<queryId>[^/]+)/results/(?<pageNumber>[^/]+)/stream')), handle: (_request, params) => resultPage(params, true) },
    {
      method: 'POST',
      fhir: true,
      pattern: new RegExp(site('/fhir/R4/(?<resource>[A-Za-z]+)/_search')),
      handle: (request, params) => {
        const target = resolveSite(params.siteId);
        const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        if (type !== 'application/x-www-form-urlencoded') {
          throw new HaloHttpError(400, 'A FHIR _search body must be application/x-www-form-urlencoded.');
        }
        const form = new URLSearchParams(request.body.toString('utf8'));
        for (const [name, value] of request.query) {
          form.append(name, value);
        }
        return fhir(request, target, 'POST', `${params.resource}/_search`, form);
      },
    },
    {
      method: 'GET',
      fhir: true,
      pattern: new RegExp(site('/fhir/R4/(?<rest>.+)')),
      handle: (request, params) => {
        const target = resolveSite(params.siteId);
        const path = params.rest.split('/').map(decodeURIComponent).join('/');
        return fhir(request, target, 'GET', path, request.query);
      },
    },
  ];

  const faultsEndpoint = (request: HttpRequest): HttpResponse => {
    if (request.method === 'DELETE') {
      faults.clear();
      return { status: 204 };
    }
    if (request.method === 'GET') {
      return json(200, faults.snapshot());
    }
    if (request.method === 'POST') {
      try {
        faults.apply(parseJsonBody(request.body));
      } catch (error) {
        if (error instanceof FaultSpecError) {
          throw new HaloHttpError(400, error.message);
        }
        throw error;
      }
      return json(200, faults.snapshot());
    }
    throw new HaloHttpError(404, HALO_MESSAGES.notFound);
  };

  return async (request) => {
    const route = routes.find((candidate) => candidate.method === request.method && candidate.pattern.test(request.path));
    try {
      authenticate(request, options.key);
      if (request.path === FAULTS_PATH) {
        return faultsEndpoint(request);
      }
      await options.wait(faults.takeLatency(request.path));
      const injected = faults.takeRequestFault();
      if (injected) {
        const headers: Record<string, string> = injected.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(injected.retryAfterSeconds) };
        const message = injected.status === 429 ? HALO_MESSAGES.rateLimited.replace('{seconds}', String(injected.retryAfterSeconds ?? 1)) : HALO_MESSAGES.unavailable;
        return json(injected.status, errorEnvelope(injected.status, message), headers);
      }
      if (request.bodyTooLarge) {
        throw new HaloHttpError(400, 'The request body is too large.');
      }
      if (!route) {
        throw new HaloHttpError(404, HALO_MESSAGES.notFound);
      }
      const params = (route.pattern.exec(request.path)?.groups ?? {}) as Params;
      return await route.handle(request, params);
    } catch (error) {
      if (!(error instanceof HaloHttpError)) {
        throw error;
      }
      // Errors on FHIR routes come back as OperationOutcome (the spec's schema there), except the gateway's own 401.
      if (route?.fhir && error.status !== 401) {
        const code = error.status === 404 ? 'not-found' : error.status === 400 ? 'invalid' : 'exception';
        return json(error.status, operationOutcome('error', code, error.message), error.headers);
      }
      return json(error.status, errorEnvelope(error.status, error.message), error.headers);
    }
  };
}

function authenticate(request: HttpRequest, key: string): void {
  const header = request.headers['ocp-apim-subscription-key'];
  const given = Array.isArray(header) ? header[0] : header;
  if (!given) {
    throw new HaloHttpError(401, HALO_MESSAGES.missingKey);
  }
  if (given !== key) {
    throw new HaloHttpError(401, HALO_MESSAGES.invalidKey);
  }
}

function chunk(text: string): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < text.length; start += STREAM_CHUNK_CHARS) {
    chunks.push(text.slice(start, start + STREAM_CHUNK_CHARS));
  }
  return chunks.length > 0 ? chunks : [text];
}

/** A streamed page cut short: what a client sees when the connection delivers half a page. */
function malformedJson(text: string): string {
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}
