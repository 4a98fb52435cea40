import { dateRange } from '../../fhir/searchParameters';
import type { HalaxyResourceType } from '../halaxyPermissions';
import type { Appointment, Coverage, DocumentReference, HumanName, Patient, Referral } from './halaxyTypes';

/** One OperationOutcome issue as Halaxy reports it; `expression` names the offending element in FHIRPath. */
export interface Issue {
  severity: 'error' | 'warning';
  code: string;
  diagnostics: string;
  expression?: string[];
}

/**
 * A refused request with the HTTP status and the issues to report. The engine's FhirError covers 400/404/422 from
 * searching; writes need more issue codes (forbidden, conflict, required) and FHIRPath expressions.
 */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly issues: readonly Issue[],
  ) {
    super(issues.map((i) => i.diagnostics).join('; '));
    this.name = 'ServiceError';
  }

  static of(status: number, code: string, diagnostics: string, expression?: string): ServiceError {
    return new ServiceError(status, [issue(code, diagnostics, expression)]);
  }

  toOutcome(): { resourceType: 'OperationOutcome'; issue: Issue[] } {
    return { resourceType: 'OperationOutcome', issue: [...this.issues] };
  }
}

export function issue(code: string, diagnostics: string, expression?: string): Issue {
  return expression === undefined ? { severity: 'error', code, diagnostics } : { severity: 'error', code, diagnostics, expression: [expression] };
}

/** Writes that carry issues are refused with 422 (Unprocessable Entity), as Halaxy answers validation failures. */
export function rejectIfAny(issues: readonly Issue[]): void {
  if (issues.length > 0) {
    throw new ServiceError(422, issues);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body of a write as a resource of `type`: 400 when it is not JSON or not that kind of resource. */
export function resourceBody(body: unknown, type: string, options: { requireType: boolean } = { requireType: true }): Record<string, unknown> {
  let value = body;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof value === 'string' ? value : Buffer.from(value).toString('utf8'));
    } catch {
      throw ServiceError.of(400, 'structure', 'The request body is not valid JSON');
    }
  }
  if (!isObject(value)) {
    throw ServiceError.of(400, 'structure', `The request body must be a JSON object (a ${type} resource)`);
  }
  if ((options.requireType || value.resourceType !== undefined) && value.resourceType !== type) {
    throw ServiceError.of(400, 'structure', `The request body must be a ${type} resource (resourceType was ${JSON.stringify(value.resourceType ?? null)})`, 'resourceType');
  }
  return value;
}

/** RFC 7386 JSON merge patch: objects merge recursively, `null` removes a member, anything else replaces it. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) {
    return patch;
  }
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = mergePatch(result[key], value);
    }
  }
  return result;
}

const DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) that exists on the calendar. */
export function isDate(value: unknown): value is string {
  return typeof value === 'string' && DATE.test(value) && dateRange(value, 0) !== undefined;
}

/** A dateTime with a time and an offset, as an appointment's start and end must be. */
export function isInstant(value: unknown): value is string {
  return typeof value === 'string' && INSTANT.test(value) && dateRange(value, 0) !== undefined;
}

/**
 * Every `reference` in a resource: bare ids are refused (Halaxy needs `Type/id`), and each target must exist.
 * `resolve` answers undefined for unknown types and ids alike.
 */
export function referenceIssues(resource: Record<string, unknown>, resolve: (reference: string) => unknown): Issue[] {
  const issues: Issue[] = [];
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`));
      return;
    }
    if (!isObject(value)) {
      return;
    }
    const reference = value.reference;
    if (typeof reference === 'string' && !reference.startsWith('#')) {
      const segments = reference.replace(/\/_history\/[^/]+$/, '').split('/');
      if (segments.length < 2 || segments.some((s) => s === '')) {
        issues.push(issue('invalid', `Reference '${reference}' must be of the form Type/id (for example Patient/${reference}), not a bare id`, `${path}.reference`));
      } else if (resolve(reference) === undefined) {
        issues.push(issue('not-found', `Reference '${reference}' points to no resource this practice holds`, `${path}.reference`));
      }
    }
    for (const [key, child] of Object.entries(value)) {
      if (key !== 'reference') {
        visit(child, `${path}.${key}`);
      }
    }
  };
  for (const [key, value] of Object.entries(resource)) {
    if (key !== 'meta') {
      visit(value, `${resource.resourceType as string}.${key}`);
    }
  }
  return issues;
}

function hasName(names: unknown): boolean {
  return Array.isArray(names) && names.some((n: HumanName) => isObject(n) && (typeof n.family === 'string' || typeof n.text === 'string' || (Array.isArray(n.given) && n.given.length > 0)));
}

function requireReference(value: unknown, expression: string, what: string, type: string): Issue[] {
  const reference = isObject(value) ? value.reference : undefined;
  if (typeof reference !== 'string') {
    return [issue('required', `${what} is required (a reference to a ${type})`, expression)];
  }
  return reference.replace(/\/_history\/[^/]+$/, '').split('/').slice(-2)[0] === type || !reference.includes('/')
    ? []
    : [issue('invalid', `${what} must refer to a ${type}, not '${reference}'`, expression)];
}

function periodIssues(period: unknown, expression: string): Issue[] {
  if (period === undefined) {
    return [];
  }
  if (!isObject(period)) {
    return [issue('invalid', 'A period is an object with start and/or end dates', expression)];
  }
  const issues: Issue[] = [];
  for (const end of ['start', 'end'] as const) {
    if (period[end] !== undefined && !isDate(period[end]) && !isInstant(period[end])) {
      issues.push(issue('value', `${expression}.${end} '${String(period[end])}' is not a date`, `${expression}.${end}`));
    }
  }
  if (issues.length === 0 && typeof period.start === 'string' && typeof period.end === 'string' && period.end < period.start) {
    issues.push(issue('invariant', 'The period ends before it starts', expression));
  }
  return issues;
}

const GENDERS = ['male', 'female', 'other', 'unknown'];
const TELECOM_SYSTEMS = ['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other'];
/** Halaxy's limit on a clinical note's attachment. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/** The FHIR rules each writable type must satisfy (beyond references); each failure is one 422 issue. */
export const TYPE_RULES: Partial<Record<HalaxyResourceType, (resource: Record<string, unknown>) => Issue[]>> = {
  Patient: (r) => {
    const p = r as Patient;
    const issues: Issue[] = [];
    if (!hasName(p.name)) {
      issues.push(issue('required', 'A patient needs a name with a family name, given name or text', 'Patient.name'));
    }
    if (p.birthDate !== undefined && !isDate(p.birthDate)) {
      issues.push(issue('value', `birthDate '${String(p.birthDate)}' is not a date (YYYY-MM-DD)`, 'Patient.birthDate'));
    }
    if (p.gender !== undefined && !GENDERS.includes(p.gender)) {
      issues.push(issue('code-invalid', `gender '${String(p.gender)}' is not one of ${GENDERS.join(', ')}`, 'Patient.gender'));
    }
    (Array.isArray(p.telecom) ? p.telecom : []).forEach((t, i) => {
      if (!isObject(t) || !TELECOM_SYSTEMS.includes(String(t.system)) || typeof t.value !== 'string') {
        issues.push(issue('value', 'A contact point needs a system (phone, email, …) and a value', `Patient.telecom[${i}]`));
      }
    });
    return issues;
  },
  Practitioner: (r) => (hasName(r.name) ? [] : [issue('required', 'A professional contact needs a name', 'Practitioner.name')]),
  Organization: (r) => (typeof r.name === 'string' && r.name.trim() !== '' ? [] : [issue('required', 'An organisation needs a name', 'Organization.name')]),
  Coverage: (r) => {
    const c = r as Coverage;
    const issues = requireReference(c.beneficiary, 'Coverage.beneficiary', 'The beneficiary', 'Patient');
    if (!Array.isArray(c.payor) || c.payor.length === 0) {
      issues.push(issue('required', 'A claim detail needs a payor (the funder, an FD- Organization)', 'Coverage.payor'));
    }
    if (!['active', 'cancelled', 'draft', 'entered-in-error'].includes(String(c.status))) {
      issues.push(issue('code-invalid', `status '${String(c.status)}' is not active, cancelled, draft or entered-in-error`, 'Coverage.status'));
    }
    return [...issues, ...periodIssues(r.period, 'Coverage.period')];
  },
  Referral: (r) => {
    const x = r as Referral;
    return [...requireReference(x.subject, 'Referral.subject', 'The subject', 'Patient'), ...periodIssues(x.period, 'Referral.period')];
  },
  DocumentReference: (r) => {
    const d = r as DocumentReference;
    const issues = requireReference(d.subject, 'DocumentReference.subject', 'The subject', 'Patient');
    if (!Array.isArray(d.content) || d.content.length === 0 || !d.content.every((c) => isObject(c) && isObject(c.attachment))) {
      issues.push(issue('required', 'A clinical note needs content with an attachment', 'DocumentReference.content'));
      return issues;
    }
    d.content.forEach((c, i) => {
      const data = c.attachment?.data;
      if (typeof data === 'string' && Math.floor((data.replace(/=+$/, '').length * 3) / 4) > MAX_ATTACHMENT_BYTES) {
        issues.push(issue('too-long', 'Attachments are limited to 20 MB', `DocumentReference.content[${i}].attachment.data`));
      }
    });
    return issues;
  },
  Appointment: (r) => {
    const a = r as Appointment;
    const issues: Issue[] = [];
    for (const end of ['start', 'end'] as const) {
      if (!isInstant(a[end])) {
        issues.push(issue(a[end] === undefined ? 'required' : 'value', `An appointment needs ${end} as a date and time with an offset`, `Appointment.${end}`));
      }
    }
    if (issues.length === 0 && Date.parse(a.end ?? '') <= Date.parse(a.start ?? '')) {
      issues.push(issue('invariant', 'An appointment must end after it starts', 'Appointment.end'));
    }
    if (!Array.isArray(a.participant) || a.participant.length === 0 || !a.participant.every((p) => isObject(p) && isObject(p.actor))) {
      issues.push(issue('required', 'An appointment needs participants, each with an actor', 'Appointment.participant'));
    }
    return issues;
  },
};
