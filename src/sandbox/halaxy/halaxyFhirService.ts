import type { GeneratedPractice } from '../data/practiceModel';
import { searchUrl, searchsetBundle } from '../fhir/bundle';
import type { BundleEntry, SearchsetBundle } from '../fhir/bundle';
import { FhirError } from '../fhir/operationOutcome';
import { COMMON_SEARCH_PARAMETERS, FhirSearchEngine } from '../fhir/searchEngine';
import { dateRange, normalizeReference } from '../fhir/searchParameters';
import type { FhirResource, SearchParameterDefinition } from '../fhir/searchParameters';
import { HALAXY_RESOURCE_TYPES } from './halaxyPermissions';
import type { HalaxyPermissions, HalaxyResourceType } from './halaxyPermissions';
import { HALAXY_INTERACTIONS, halaxyDefinitions } from './resources/halaxyDefinitions';
import { SEARCH_PARAMETER_DEFINITION, halaxyCapabilityStatement, searchParameterResources } from './resources/halaxyConformance';
import { PARTICIPANT_STATUSES, SLOT_MINUTES, halaxyResources, organizationType, participantStatus, ref, serviceConcept } from './resources/halaxyResources';
import { HalaxyStore } from './resources/halaxyStore';
import { EXTENSIONS } from './resources/halaxyTypes';
import type { Appointment, HalaxyResource, HealthcareService, HumanName, Participant, PractitionerRole, Reference, Schedule, Slot } from './resources/halaxyTypes';
import { ServiceError, TYPE_RULES, isInstant, isObject, issue, mergePatch, referenceIssues, rejectIfAny, resourceBody } from './resources/halaxyValidation';
import type { Issue } from './resources/halaxyValidation';
import type { PracticeTime } from './resources/practiceTime';

/** A write the service made, for webhooks: Halaxy notifies Patient, Appointment and Invoice changes. */
export interface HalaxyChange {
  resourceType: 'Patient' | 'Appointment' | 'Invoice';
  id: string;
  action: 'create' | 'update';
}

export interface HalaxyRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** What follows `/main/`, percent-decoded: `Patient`, `Patient/123`, `Appointment/$book`, `metadata`. */
  path: string;
  params: URLSearchParams;
  /** The parsed JSON body of a write (a JSON string is parsed here; POST `_search` may pass a form string). */
  body?: unknown;
  /** Absolute URL of `…/main`, for links, fullUrls and Location headers. */
  baseUrl: string;
  permissions: HalaxyPermissions;
}

export interface HalaxyResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  changes?: HalaxyChange[];
}

export interface HalaxyFhirServiceOptions {
  practice: GeneratedPractice;
  now: () => Date;
}

/** Elements a write never sets; Halaxy ignores them in bodies rather than refusing them. */
const READ_ONLY: Partial<Record<HalaxyResourceType, readonly string[]>> = {
  Patient: ['identifier', 'active'],
  Appointment: ['status', 'created', 'slot'],
};
const ALWAYS_READ_ONLY = ['resourceType', 'id', 'meta'];
const NOTIFIED: ReadonlySet<string> = new Set(['Patient', 'Appointment', 'Invoice']);
const SLOT_MS = SLOT_MINUTES * 60_000;
const DEFAULT_FIND_COUNT = 50;
const MAX_FIND_COUNT = 1000;

function isHalaxyType(type: string): type is HalaxyResourceType {
  return (HALAXY_RESOURCE_TYPES as readonly string[]).includes(type);
}

function notAllowed(method: string, what: string, hint = ''): ServiceError {
  return ServiceError.of(405, 'not-supported', `${method} ${what} is not allowed by Halaxy's API${hint}`);
}

function displayName(names: unknown): string | undefined {
  const name = Array.isArray(names) ? (names as (HumanName | null)[]).find((n) => typeof n === 'object' && n !== null) : undefined;
  return name === undefined || name === null ? undefined : (name.text ?? [...(name.given ?? []), name.family].filter((p) => p !== undefined).join(' '));
}

function patientParticipant(appointment: Appointment): { participant: Participant; index: number } | undefined {
  const participants = (Array.isArray(appointment.participant) ? appointment.participant : []) as (Participant | null)[];
  const index = participants.findIndex((p) => p?.actor?.type === 'Patient' || normalizeReference(p?.actor?.reference ?? '').startsWith('Patient/'));
  const participant = participants[index];
  return index < 0 || participant === null ? undefined : { participant, index };
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/**
 * Halaxy's FHIR API as a pure service over one generated practice group: reads and searches through the generic
 * engine (1-based `page`, bare-id references refused), the writes and operations Halaxy allows on each type, per-key
 * permissions, and validation. Writes live in memory for the service's lifetime. No HTTP and no authentication here:
 * the caller has already decided which API key is asking.
 */
export class HalaxyFhirService {
  private readonly store: HalaxyStore;
  private readonly engine: FhirSearchEngine;
  private readonly time: PracticeTime;
  private readonly now: () => Date;
  private readonly groupId: string;
  /** The practice's standard offset from UTC in minutes, for dates and times given without one. */
  private readonly offsetMinutes: number;
  /** `PractitionerRole/x` → the id of that role's schedule. */
  private readonly scheduleOfRole = new Map<string, string>();
  /** Schedule id → its slots in time order (starts in epoch ms), which never change but for their status. */
  private readonly slotsOfSchedule = new Map<string, { starts: number[]; ids: string[] }>();

  constructor(options: HalaxyFhirServiceOptions) {
    this.now = options.now;
    const set = halaxyResources(options.practice);
    this.time = set.time;
    const definitions = [...halaxyDefinitions((reference) => this.store.resolve(reference)), SEARCH_PARAMETER_DEFINITION];
    const parameters = new Map<string, Map<string, SearchParameterDefinition>>(
      definitions.map((d) => [d.type, new Map([...COMMON_SEARCH_PARAMETERS, ...d.searchParameters].map((p) => [p.name, p]))]),
    );
    const resources = new Map<string, readonly FhirResource[]>(set.resources);
    const practiceNow = set.time.instant(options.practice.now);
    resources.set('SearchParameter', searchParameterResources(definitions, practiceNow));
    this.store = new HalaxyStore(resources, (type, name) => parameters.get(type)?.get(name));
    const offset = practiceNow.slice(19);
    this.offsetMinutes = (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
    this.engine = new FhirSearchEngine({
      resources: definitions,
      paging: 'page',
      bareReferences: 'reject',
      // Dates without an offset are read in the practice's own time zone.
      defaultOffsetMinutes: this.offsetMinutes,
      now: this.now,
    });
    this.groupId = (set.resources.get('Organization') ?? []).find((o) => o.id.startsWith('PG-'))?.id ?? '';
    for (const schedule of this.store.list('Schedule') as Schedule[]) {
      for (const actor of schedule.actor ?? []) {
        if (actor.reference?.startsWith('PractitionerRole/')) {
          this.scheduleOfRole.set(actor.reference, schedule.id);
        }
      }
    }
    for (const slot of this.store.list('Slot') as Slot[]) {
      const scheduleId = normalizeReference(slot.schedule.reference ?? '').split('/')[1];
      let slots = this.slotsOfSchedule.get(scheduleId);
      if (slots === undefined) {
        slots = { starts: [], ids: [] };
        this.slotsOfSchedule.set(scheduleId, slots);
      }
      slots.starts.push(Date.parse(slot.start));
      slots.ids.push(slot.id);
    }
  }

  /** Answers one request; every refusal is an OperationOutcome with Halaxy's status code. */
  handle(request: HalaxyRequest): HalaxyResponse {
    try {
      return this.route(request);
    } catch (error) {
      if (error instanceof ServiceError || error instanceof FhirError) {
        return { status: error.status, body: error.toOutcome() };
      }
      return { status: 500, body: ServiceError.of(500, 'exception', error instanceof Error ? error.message : String(error)).toOutcome() };
    }
  }

  private route(request: HalaxyRequest): HalaxyResponse {
    const segments = request.path.split('?')[0].split('/').filter((s) => s !== '');
    const [type, second] = segments;
    if (request.method === 'DELETE') {
      throw notAllowed('DELETE', request.path, ': nothing can be deleted');
    }
    if (type === undefined || segments.length > 2) {
      throw ServiceError.of(400, 'not-supported', `Unsupported path '${request.path}'`);
    }
    if (type === 'metadata' && second === undefined) {
      this.requireMethod(request, 'GET');
      return { status: 200, body: halaxyCapabilityStatement(this.engine, { baseUrl: request.baseUrl, date: this.now() }) };
    }
    if (type === 'SearchParameter') {
      this.requireMethod(request, 'GET');
      return second === undefined ? { status: 200, body: this.engine.search(this.store, { type, params: request.params, baseUrl: request.baseUrl }) } : this.read(type, second);
    }
    if (!isHalaxyType(type)) {
      throw ServiceError.of(404, 'not-supported', `Resource type '${type}' is not supported. Supported types: ${HALAXY_RESOURCE_TYPES.join(', ')}, SearchParameter`);
    }
    const interactions = HALAXY_INTERACTIONS[type];
    if (second === undefined) {
      if (request.method === 'GET') {
        return this.search(request, type, request.params);
      }
      if (request.method === 'POST') {
        return this.create(request, type);
      }
      throw notAllowed(request.method, type);
    }
    if (second === '_search') {
      this.requireMethod(request, 'POST');
      return this.search(request, type, this.formParams(request));
    }
    if (second.startsWith('$')) {
      const operation = interactions.operations.find((o) => o.name === second.slice(1));
      if (operation === undefined) {
        throw ServiceError.of(404, 'not-supported', `Operation ${type}/${second} is not known. ${interactions.operations.length === 0 ? `${type} has no operations` : `${type} offers ${interactions.operations.map((o) => `$${o.name}`).join(', ')}`}`);
      }
      this.requireMethod(request, operation.method);
      this.permit(request.permissions, type, operation.permission);
      switch (operation.name) {
        case 'book':
          return this.book(request);
        case 'find':
          return this.find(request);
        default:
          return this.exportIds();
      }
    }
    switch (request.method) {
      case 'GET':
        if (!interactions.read) {
          throw notAllowed('GET', `${type}/${second}`, type === 'DocumentReference' ? ': clinical notes can be created but never read' : '');
        }
        this.permit(request.permissions, type, 'read');
        return this.read(type, second);
      case 'PUT':
        return this.update(request, type, second);
      case 'PATCH':
        return this.patch(request, type, second);
      default:
        throw notAllowed(request.method, `${type}/${second}`);
    }
  }

  private requireMethod(request: HalaxyRequest, method: HalaxyRequest['method']): void {
    if (request.method !== method) {
      throw notAllowed(request.method, request.path, ` (use ${method})`);
    }
  }

  private permit(permissions: HalaxyPermissions, type: HalaxyResourceType, action: 'read' | 'create' | 'update'): void {
    if (!permissions[type]?.[action]) {
      const toggle = { read: 'Retrieve', create: 'Create', update: 'Update' }[action];
      throw ServiceError.of(403, 'forbidden', `This API key does not have the ${toggle} (${action}) permission on ${type}`);
    }
  }

  /** Search parameters of `POST {type}/_search`: the form body, then the query string. */
  private formParams(request: HalaxyRequest): URLSearchParams {
    const params = new URLSearchParams(
      typeof request.body === 'string' || request.body instanceof URLSearchParams
        ? request.body
        : isObject(request.body)
          ? Object.entries(request.body).map(([k, v]) => [k, String(v)])
          : [],
    );
    for (const [name, value] of request.params) {
      params.append(name, value);
    }
    return params;
  }

  private search(request: HalaxyRequest, type: HalaxyResourceType, params: URLSearchParams): HalaxyResponse {
    if (!HALAXY_INTERACTIONS[type].search) {
      throw notAllowed('GET', type, type === 'DocumentReference' ? ': clinical notes can be created but never read' : '');
    }
    this.permit(request.permissions, type, 'read');
    const bundle = this.engine.search(this.store, { type, params, baseUrl: request.baseUrl });
    // `_include` never reveals a type the key may not retrieve.
    const entry = (bundle.entry ?? []).filter(
      (e: BundleEntry) => e.search.mode !== 'include' || request.permissions[e.resource.resourceType as HalaxyResourceType]?.read === true,
    );
    const body: SearchsetBundle = { ...bundle };
    if (entry.length > 0) {
      body.entry = entry;
    } else {
      delete body.entry;
    }
    return { status: 200, body };
  }

  private read(type: string, id: string): HalaxyResponse {
    const resource = this.engine.read(this.store, type, id);
    return { status: 200, body: resource, headers: this.versionHeaders(resource) };
  }

  private versionHeaders(resource: FhirResource): Record<string, string> {
    const meta = resource.meta as { versionId?: string; lastUpdated?: string } | undefined;
    return meta?.versionId === undefined ? {} : { ETag: `W/"${meta.versionId}"` };
  }

  private nextMeta(current: FhirResource): { versionId: string; lastUpdated: string } {
    const meta = current.meta as { versionId?: string; lastUpdated?: string } | undefined;
    const previous = meta?.lastUpdated === undefined ? Number.NEGATIVE_INFINITY : Date.parse(meta.lastUpdated);
    // lastUpdated has whole seconds: a write within the same second as the last one still moves it on.
    const at = Math.max(this.now().getTime(), previous + 1000);
    return { versionId: String(Number(meta?.versionId ?? '0') + 1), lastUpdated: this.time.format(new Date(at)) };
  }

  private validate(type: HalaxyResourceType, resource: Record<string, unknown>, extra: readonly Issue[] = []): void {
    rejectIfAny([...extra, ...(TYPE_RULES[type]?.(resource) ?? []), ...referenceIssues(resource, (reference) => this.store.resolve(reference))]);
  }

  private written(request: HalaxyRequest, resource: FhirResource, action: 'create' | 'update'): HalaxyResponse {
    this.store.put(resource);
    const headers = this.versionHeaders(resource);
    if (action === 'create') {
      headers.Location = `${request.baseUrl.replace(/\/+$/, '')}/${resource.resourceType}/${resource.id}/_history/${(resource.meta as { versionId: string }).versionId}`;
    }
    const changes: HalaxyChange[] = NOTIFIED.has(resource.resourceType)
      ? [{ resourceType: resource.resourceType as HalaxyChange['resourceType'], id: resource.id, action }]
      : [];
    return { status: action === 'create' ? 201 : 200, body: resource, headers, changes };
  }

  private create(request: HalaxyRequest, type: HalaxyResourceType): HalaxyResponse {
    if (!HALAXY_INTERACTIONS[type].create) {
      throw notAllowed('POST', type, type === 'Appointment' ? ': book appointments with POST Appointment/$book' : '');
    }
    this.permit(request.permissions, type, 'create');
    const body = resourceBody(request.body, type);
    const writable = Object.fromEntries(Object.entries(body).filter(([key]) => !ALWAYS_READ_ONLY.includes(key) && !(READ_ONLY[type] ?? []).includes(key)));
    const now = this.time.format(this.now());
    const prefix = type === 'Practitioner' ? 'EP-' : type === 'Organization' ? 'SP-' : '';
    const resource: HalaxyResource = { resourceType: type, id: this.store.nextId(type, prefix), meta: { versionId: '1', lastUpdated: now }, ...writable };
    switch (type) {
      case 'Patient':
        resource.active = true;
        resource.extension ??= [{ url: EXTENSIONS.patientStatus, valueString: 'current' }];
        resource.managingOrganization ??= ref('Organization', this.groupId);
        break;
      case 'Practitioner':
        resource.active ??= true;
        break;
      case 'Organization':
        // Integrators create the practices of professional contacts only.
        resource.active ??= true;
        resource.type = organizationType('contactPractice');
        break;
      case 'Coverage':
        resource.status ??= 'active';
        break;
      case 'Referral':
        resource.active ??= true;
        resource.created ??= now;
        break;
      case 'DocumentReference':
        resource.status ??= 'current';
        resource.date ??= now;
        break;
    }
    this.validate(type, resource);
    return this.written(request, resource, 'create');
  }

  private current(type: HalaxyResourceType, id: string): FhirResource {
    return this.engine.read(this.store, type, id);
  }

  /** PUT replaces the writable elements: those the body omits are dropped, read-only ones are kept as they were. */
  private update(request: HalaxyRequest, type: HalaxyResourceType, id: string): HalaxyResponse {
    if (!HALAXY_INTERACTIONS[type].update) {
      throw notAllowed('PUT', `${type}/${id}`, HALAXY_INTERACTIONS[type].patch ? ' (use PATCH with application/merge-patch+json)' : '');
    }
    this.permit(request.permissions, type, 'update');
    const current = this.current(type, id);
    const body = resourceBody(request.body, type);
    if (body.id !== undefined && body.id !== id) {
      throw ServiceError.of(400, 'invalid', `The body's id '${String(body.id)}' does not match the id in the URL '${id}'`, `${type}.id`);
    }
    const readOnly = READ_ONLY[type] ?? [];
    const next: FhirResource = { resourceType: type, id, meta: this.nextMeta(current) };
    for (const [key, value] of Object.entries(body)) {
      if (!ALWAYS_READ_ONLY.includes(key) && !readOnly.includes(key)) {
        next[key] = value;
      }
    }
    for (const key of readOnly) {
      if (current[key] !== undefined) {
        next[key] = current[key];
      }
    }
    this.validate(type, next);
    return this.written(request, next, 'update');
  }

  /** PATCH applies an RFC 7386 merge patch; read-only elements keep their values whatever the patch says. */
  private patch(request: HalaxyRequest, type: HalaxyResourceType, id: string): HalaxyResponse {
    if (!HALAXY_INTERACTIONS[type].patch) {
      throw notAllowed('PATCH', `${type}/${id}`);
    }
    this.permit(request.permissions, type, 'update');
    const current = this.current(type, id);
    const patch = resourceBody(request.body, type, { requireType: false });
    const next = mergePatch(current, patch) as FhirResource;
    next.resourceType = type;
    next.id = id;
    next.meta = this.nextMeta(current);
    for (const key of READ_ONLY[type] ?? []) {
      if (current[key] === undefined) {
        delete next[key];
      } else {
        next[key] = current[key];
      }
    }
    if (type !== 'Appointment') {
      this.validate(type, next);
      return this.written(request, next, 'update');
    }
    const appointment = next as Appointment;
    this.validate(type, appointment, this.deriveStatus(appointment, patch));
    if (appointment.start !== current.start || appointment.end !== current.end) {
      appointment.minutesDuration = Math.round((Date.parse(appointment.end ?? '') - Date.parse(appointment.start ?? '')) / 60_000);
    }
    this.moveSlots(current as Appointment, appointment);
    return this.written(request, appointment, 'update');
  }

  /**
   * Halaxy keeps an appointment's status on the patient participant's status extension: the top-level status follows
   * it. A patch that sets `status` to anything else is refused, since it would be silently undone.
   */
  private deriveStatus(appointment: Appointment, patch: Record<string, unknown>): Issue[] {
    const found = patientParticipant(appointment);
    if (found === undefined) {
      return [];
    }
    const expression = `Appointment.participant[${found.index}].modifierExtension`;
    const code = (found.participant.modifierExtension ?? []).find((e) => isObject(e) && e.url === EXTENSIONS.participantStatus)?.valueCoding?.code;
    if (code === undefined) {
      return [issue('required', `The patient participant needs its status extension (${EXTENSIONS.participantStatus})`, expression)];
    }
    if (PARTICIPANT_STATUSES[code] === undefined) {
      return [issue('code-invalid', `Participant status '${code}' is not one of ${Object.keys(PARTICIPANT_STATUSES).join(', ')}`, expression)];
    }
    if (patch.status !== undefined && patch.status !== code) {
      return [issue('business-rule', `Appointment.status is not written directly: set the patient participant's status extension to '${String(patch.status)}' instead`, 'Appointment.status')];
    }
    appointment.status = code;
    appointment.participant = (appointment.participant ?? []).map((p, i) =>
      i === found.index ? { ...p, status: code === 'cancelled' || code === 'noshow' ? 'declined' : 'accepted' } : p,
    );
    return [];
  }

  private roleOf(appointment: Appointment): string | undefined {
    const actor = (appointment.participant ?? []).map((p) => p.actor?.reference).find((r) => r !== undefined && normalizeReference(r).startsWith('PractitionerRole/'));
    return actor === undefined ? undefined : normalizeReference(actor);
  }

  /** The slot ids of a schedule whose start lies in [start, end). */
  private slotsBetween(scheduleId: string | undefined, start: number, end: number): { ids: string[]; starts: number[] } {
    const slots = scheduleId === undefined ? undefined : this.slotsOfSchedule.get(scheduleId);
    if (slots === undefined) {
      return { ids: [], starts: [] };
    }
    let low = 0;
    let high = slots.starts.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (slots.starts[mid] < start) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    let stop = low;
    while (stop < slots.starts.length && slots.starts[stop] < end) {
      stop++;
    }
    return { ids: slots.ids.slice(low, stop), starts: slots.starts.slice(low, stop) };
  }

  private heldSlots(appointment: Appointment): string[] {
    if (appointment.status === 'cancelled') {
      return [];
    }
    const role = this.roleOf(appointment);
    return this.slotsBetween(role === undefined ? undefined : this.scheduleOfRole.get(role), Date.parse(appointment.start ?? ''), Date.parse(appointment.end ?? '')).ids;
  }

  private slotStatus(id: string): Slot['status'] | undefined {
    return (this.store.read('Slot', id) as Slot | undefined)?.status;
  }

  private setSlot(id: string, status: Slot['status']): void {
    const slot = this.store.read('Slot', id) as Slot | undefined;
    if (slot !== undefined && slot.status !== status) {
      this.store.put({ ...slot, status, meta: this.nextMeta(slot) });
    }
  }

  /** Frees the slots an appointment no longer holds and takes the new ones, refusing (409) slots someone else holds. */
  private moveSlots(before: Appointment, after: Appointment): void {
    const held = new Set(this.heldSlots(before));
    const wanted = this.heldSlots(after);
    const taken = wanted.filter((id) => !held.has(id) && this.slotStatus(id) === 'busy');
    if (taken.length > 0) {
      throw ServiceError.of(409, 'conflict', `The time is already booked (Slot/${taken.join(', Slot/')} busy)`, 'Appointment.start');
    }
    const keep = new Set(wanted);
    for (const id of held) {
      if (!keep.has(id)) {
        this.setSlot(id, 'free');
      }
    }
    for (const id of wanted) {
      this.setSlot(id, 'busy');
    }
  }

  /** `POST Appointment/$book`: a Parameters resource with `appt-resource` (the Appointment), `patient-id` and optionally `healthcare-service-id`. */
  private book(request: HalaxyRequest): HalaxyResponse {
    const parameters = resourceBody(request.body, 'Parameters');
    const list = (Array.isArray(parameters.parameter) ? parameters.parameter : []).filter(isObject);
    const named = (name: string) => list.find((p) => p.name === name);
    const reference = (name: string): string | undefined => {
      const p = named(name);
      const value = isObject(p?.valueReference) ? p.valueReference.reference : (p?.valueString ?? p?.valueId);
      return typeof value === 'string' ? value : undefined;
    };
    const resource = (named('appt-resource') ?? named('appointment'))?.resource;
    if (!isObject(resource) || resource.resourceType !== 'Appointment') {
      throw ServiceError.of(422, 'required', "$book needs a parameter 'appt-resource' holding the Appointment to book", 'Parameters.parameter');
    }
    const appointment = resource as Appointment;
    const actors = (Array.isArray(appointment.participant) ? appointment.participant : []).map((p) => (p as Participant | null)?.actor?.reference).filter((r): r is string => typeof r === 'string');
    const actorOf = (type: string) => actors.find((r) => normalizeReference(r).startsWith(`${type}/`));
    const patientRef = reference('patient-id') ?? actorOf('Patient');
    const serviceRef = reference('healthcare-service-id') ?? actorOf('HealthcareService');
    const status = named('status')?.valueCode;
    const issues: Issue[] = [];
    for (const end of ['start', 'end'] as const) {
      if (!isInstant(appointment[end])) {
        issues.push(issue(appointment[end] === undefined ? 'required' : 'value', `The appointment needs ${end} as a date and time with an offset`, `Appointment.${end}`));
      }
    }
    if (patientRef === undefined) {
      issues.push(issue('required', "Name the patient with a 'patient-id' parameter or a Patient participant", 'Parameters.parameter'));
    }
    if (status !== undefined && status !== 'booked') {
      issues.push(issue('code-invalid', `$book books appointments with status 'booked', not '${String(status)}'`, 'Parameters.parameter'));
    }
    issues.push(...referenceIssues({ resourceType: 'Appointment', participant: appointment.participant }, (r) => this.store.resolve(r)));
    for (const [name, value] of [['patient-id', reference('patient-id')], ['healthcare-service-id', reference('healthcare-service-id')]] as const) {
      if (value !== undefined) {
        issues.push(...referenceIssues({ resourceType: 'Parameters', [name]: { reference: value } }, (r) => this.store.resolve(r)));
      }
    }
    rejectIfAny(issues);
    const role = this.bookableRole(actorOf('PractitionerRole'), actorOf('Practitioner'));
    const start = Date.parse(appointment.start ?? '');
    const end = Date.parse(appointment.end ?? '');
    const scheduleId = this.scheduleOfRole.get(`PractitionerRole/${role.id}`);
    const slots = this.slotsBetween(scheduleId, start, end);
    const count = (end - start) / SLOT_MS;
    if (end <= start || !Number.isInteger(count) || slots.ids.length !== count || slots.starts.some((s, i) => s !== start + i * SLOT_MS)) {
      throw ServiceError.of(422, 'business-rule', `${role.practitioner?.display ?? 'The practitioner'} has no availability covering ${appointment.start} to ${appointment.end} (slots are ${SLOT_MINUTES} minutes, within sessions; see Appointment/$find)`, 'Appointment.start');
    }
    const taken = slots.ids.filter((id) => this.slotStatus(id) !== 'free');
    if (taken.length > 0) {
      throw ServiceError.of(409, 'conflict', `The slot is already taken (Slot/${taken.join(', Slot/')} busy): find a free time with Appointment/$find`, 'Appointment.start');
    }
    const patient = this.store.resolve(patientRef ?? '');
    const service = serviceRef === undefined ? undefined : (this.store.resolve(serviceRef) as HealthcareService | undefined);
    const participants: Participant[] = [
      { modifierExtension: [participantStatus('booked')], actor: ref('Patient', patient?.id ?? '', displayName(patient?.name)), status: 'accepted' },
      { actor: ref('PractitionerRole', role.id, role.practitioner?.display), status: 'accepted' },
    ];
    if (role.practitioner?.reference !== undefined) {
      participants.push({ actor: { ...role.practitioner, type: 'Practitioner' }, status: 'accepted' });
    }
    if (service !== undefined) {
      participants.push({ actor: ref('HealthcareService', service.id, service.name), status: 'accepted' });
    }
    const now = this.time.format(this.now());
    const booked = withoutUndefined({
      resourceType: 'Appointment',
      id: this.store.nextId('Appointment'),
      meta: { versionId: '1', lastUpdated: now },
      extension: role.organization === undefined ? undefined : [{ url: EXTENSIONS.appointmentClinic, valueReference: role.organization }],
      status: 'booked',
      serviceType: service === undefined ? undefined : [serviceConcept(service.id, service.name ?? service.id)],
      description: typeof appointment.description === 'string' ? appointment.description : service?.name,
      start: this.time.format(new Date(start)),
      end: this.time.format(new Date(end)),
      minutesDuration: (end - start) / 60_000,
      slot: slots.ids.map((id) => ref('Slot', id)),
      created: now,
      comment: typeof appointment.comment === 'string' ? appointment.comment : undefined,
      supportingInformation: service === undefined ? undefined : [ref('HealthcareService', service.id, service.name)],
      participant: participants,
    }) as Appointment;
    for (const id of slots.ids) {
      this.setSlot(id, 'busy');
    }
    return this.written(request, booked, 'create');
  }

  /** The active practitioner role an appointment is booked with: named directly, or the only role of a practitioner. */
  private bookableRole(roleRef: string | undefined, practitionerRef: string | undefined): PractitionerRole {
    let roles: PractitionerRole[] = [];
    if (roleRef !== undefined) {
      roles = [this.store.resolve(roleRef) as PractitionerRole];
    } else if (practitionerRef !== undefined) {
      roles = this.store.list('PractitionerRole', [{ name: 'practitioner', value: normalizeReference(practitionerRef) }]) as PractitionerRole[];
    }
    const bookable = roles.filter((r) => r.active === true && this.scheduleOfRole.has(`PractitionerRole/${r.id}`));
    if (bookable.length !== 1) {
      throw ServiceError.of(
        422,
        'business-rule',
        roles.length === 0
          ? 'Name the practitioner to book with: a PractitionerRole (or Practitioner) participant'
          : bookable.length === 0
            ? `${roleRef ?? practitionerRef} takes no bookings`
            : `${practitionerRef} works in several roles: name the PractitionerRole`,
        'Appointment.participant',
      );
    }
    return bookable[0];
  }

  /**
   * `GET Appointment/$find`: proposed appointments (status `proposed`, no id) in runs of free slots long enough for
   * `duration` minutes, between `start` and `end`, optionally for one `practitioner`, `practitioner-role` or clinic
   * (`organization`/`location`). Book one by sending it back to `$book` with a patient.
   */
  private find(request: HalaxyRequest): HalaxyResponse {
    const params = request.params;
    const when = (name: 'start' | 'end'): number => {
      const value = params.get(name);
      const range = value === null ? undefined : dateRange(value, this.offsetMinutes);
      if (range === undefined) {
        throw ServiceError.of(400, value === null ? 'required' : 'value', `$find needs '${name}' as a date or date and time${value === null ? '' : ` (got '${value}')`}`);
      }
      return name === 'start' ? range.start : range.end;
    };
    const from = when('start');
    const to = when('end');
    const durationText = params.get('duration') ?? String(SLOT_MINUTES);
    if (!/^\d+$/.test(durationText) || Number(durationText) < 1) {
      throw ServiceError.of(400, 'value', `'duration' must be a whole number of minutes (got '${durationText}')`);
    }
    const needed = Math.ceil(Number(durationText) / SLOT_MINUTES);
    const countText = params.get('_count') ?? String(DEFAULT_FIND_COUNT);
    if (!/^\d+$/.test(countText)) {
      throw ServiceError.of(400, 'value', `'_count' must be a whole number (got '${countText}')`);
    }
    const filter = (name: string): string | undefined => {
      const value = params.get(name);
      if (value === null) {
        return undefined;
      }
      const normalized = normalizeReference(value);
      if (!normalized.includes('/')) {
        throw ServiceError.of(422, 'processing', `'${name}' needs a reference of the form Type/id, not the bare id '${value}'`);
      }
      return normalized;
    };
    const practitioner = filter('practitioner');
    const role = filter('practitioner-role');
    const clinic = filter('organization') ?? filter('location');
    const roles = (this.store.list('PractitionerRole') as PractitionerRole[]).filter(
      (r) =>
        r.active === true &&
        (role === undefined || `PractitionerRole/${r.id}` === role) &&
        (practitioner === undefined || normalizeReference(r.practitioner?.reference ?? '') === practitioner) &&
        (clinic === undefined || normalizeReference(r.organization?.reference ?? '') === clinic),
    );
    const proposals: { start: number; resource: FhirResource }[] = [];
    for (const r of roles) {
      const slots = this.slotsBetween(this.scheduleOfRole.get(`PractitionerRole/${r.id}`), from, to - SLOT_MS + 1);
      for (let i = 0; i + needed <= slots.ids.length; i++) {
        const run = slots.ids.slice(i, i + needed);
        const contiguous = slots.starts[i + needed - 1] === slots.starts[i] + (needed - 1) * SLOT_MS;
        if (!contiguous || slots.starts[i] + needed * SLOT_MS > to || run.some((id) => this.slotStatus(id) !== 'free')) {
          continue;
        }
        const first = this.store.read('Slot', run[0]) as Slot;
        const last = this.store.read('Slot', run[run.length - 1]) as Slot;
        proposals.push({
          start: slots.starts[i],
          resource: withoutUndefined({
            resourceType: 'Appointment',
            extension: r.organization === undefined ? undefined : [{ url: EXTENSIONS.appointmentClinic, valueReference: r.organization }],
            status: 'proposed',
            start: first.start,
            end: last.end,
            minutesDuration: needed * SLOT_MINUTES,
            slot: run.map((id) => ref('Slot', id)),
            participant: [
              { actor: ref('PractitionerRole', r.id, r.practitioner?.display), status: 'needs-action' },
              ...(r.practitioner === undefined ? [] : [{ actor: { ...r.practitioner, type: 'Practitioner' } as Reference, status: 'needs-action' }]),
            ],
          }) as FhirResource,
        });
      }
    }
    proposals.sort((a, b) => a.start - b.start);
    const count = Math.min(Number(countText), MAX_FIND_COUNT);
    const bundle = searchsetBundle(this.now(), proposals.length, [{ relation: 'self', url: searchUrl(request.baseUrl, 'Appointment/$find', [...params]) }], undefined);
    const entry = proposals.slice(0, count).map((p) => ({ resource: p.resource, search: { mode: 'match' } }));
    return { status: 200, body: entry.length === 0 ? bundle : { ...bundle, entry } };
  }

  /** `GET Patient/$export-ids`: every patient id, in id order, as a Parameters resource of `id` values. */
  private exportIds(): HalaxyResponse {
    const patients = this.store.list('Patient');
    return {
      status: 200,
      body: {
        resourceType: 'Parameters',
        parameter: [{ name: 'total', valueInteger: patients.length }, ...patients.map((p) => ({ name: 'id', valueId: p.id }))],
      },
    };
  }
}
