import assert from 'node:assert/strict';
import initSqlJs from 'sql.js';
import type { Database } from 'sql.js';
import { DEFAULT_VIEWS, defaultViewFor } from '../../../../../src/core/fhir/viewDefinition/defaultViews';
import { FALL_BACK, compileFastPath } from '../../../../../src/core/fhir/viewDefinition/fastPath';
import { compileExpression } from '../../../../../src/core/fhir/viewDefinition/fhirPath';
import { validateViewDefinition } from '../../../../../src/core/fhir/viewDefinition/validateViewDefinition';
import type { ViewRow } from '../../../../../src/core/fhir/viewDefinition/viewDefinition';
import { compileViewDefinition } from '../../../../../src/core/fhir/viewDefinition/viewRunner';
import { buildBestPracticeDatabase } from '../../../../../src/sandbox/data/bestPractice';
import { generatePractice } from '../../../../../src/sandbox/data/practiceGenerator';
import { BestPracticeFhirFacade } from '../../../../../src/sandbox/fhir/bestPracticeFhir';
import { halaxyResources } from '../../../../../src/sandbox/halaxy/resources/halaxyResources';

type Resource = Record<string, unknown> & { resourceType: string; id: string };

const NOW = new Date('2026-06-01T09:00:00+10:00');
const BEST_PRACTICE_TYPES = ['Patient', 'Practitioner', 'PractitionerRole', 'Organization', 'Location', 'Appointment', 'AllergyIntolerance', 'Immunization', 'MedicationStatement'];
const HALAXY_TYPES = ['Patient', 'Practitioner', 'PractitionerRole', 'Organization', 'HealthcareService', 'Appointment', 'Schedule', 'Slot', 'ChargeItemDefinition', 'Invoice', 'InvoiceLine', 'PaymentTransaction', 'Coverage', 'Referral', 'ReferralDefinition'];
const MEDICARE = 'http://ns.electronichealth.net.au/id/medicare-number';
const IHI = 'http://ns.electronichealth.net.au/id/hi/ihi/1.0';

describe('Default ViewDefinitions over Sandbox resources', () => {
  let db: Database;
  /** Resources by type, as each Sandbox API serves them. */
  const bestPractice = new Map<string, Resource[]>();
  const halaxy = new Map<string, Resource[]>();

  before(async () => {
    const SQL = await initSqlJs();
    const practice = generatePractice({ seed: 3, patients: 150, now: NOW, software: 'Best Practice', kind: 'medical' });
    db = buildBestPracticeDatabase(SQL, practice).db;
    const facade = new BestPracticeFhirFacade(db, { now: () => NOW });
    for (const type of BEST_PRACTICE_TYPES) {
      const response = facade.handle({ method: 'GET', path: type, params: new URLSearchParams('_count=500'), baseUrl: 'http://127.0.0.1:1/fhir/R4' });
      assert.equal(response.status, 200, type);
      bestPractice.set(type, ((response.body as { entry?: { resource: Resource }[] }).entry ?? []).map((e) => e.resource));
    }
    const set = halaxyResources(generatePractice({ seed: 7, patients: 150, now: NOW, software: 'Halaxy', kind: 'medical' }));
    for (const [type, resources] of set.resources) {
      halaxy.set(type, resources as Resource[]);
    }
  });
  after(() => db.close());

  const rowsOf = (source: Map<string, Resource[]>, type: string): ViewRow[] => compileViewDefinition(DEFAULT_VIEWS.get(type)).run(source.get(type) ?? []);
  const idsOf = (source: Map<string, Resource[]>, type: string): Set<string> => new Set((source.get(type) ?? []).map((r) => r.id));

  it('has a valid view for every type either Sandbox API serves, with the id first and the last update last', () => {
    assert.deepEqual([...DEFAULT_VIEWS.keys()].sort(), [...new Set([...BEST_PRACTICE_TYPES, ...HALAXY_TYPES])].sort());
    for (const [type, view] of DEFAULT_VIEWS) {
      assert.deepEqual(validateViewDefinition(view), [], type);
      const columns = compileViewDefinition(view).columns;
      assert.equal(columns[0].name, 'id', type);
      assert.equal(columns.at(-1)?.name, 'last_updated', type);
      assert.ok(columns.every((c) => c.type !== undefined), `${type}: every default column declares its type`);
    }
  });

  it('flattens every served resource to one row, keyed by its id', () => {
    for (const [source, types] of [[bestPractice, BEST_PRACTICE_TYPES], [halaxy, HALAXY_TYPES]] as const) {
      for (const type of types) {
        const resources = source.get(type) ?? [];
        assert.ok(resources.length > 0, `the Sandbox serves some ${type}`);
        const rows = rowsOf(source, type);
        assert.deepEqual(rows.map((r) => r.id), resources.map((r) => r.id), type);
        assert.ok(rows.every((r) => typeof r.last_updated === 'string'), type);
      }
    }
  });

  it('reads Medicare numbers and IHIs from the identifiers with their systems', () => {
    for (const source of [bestPractice, halaxy]) {
      const patients = source.get('Patient') ?? [];
      const rows = new Map(rowsOf(source, 'Patient').map((row) => [row.id, row]));
      let withMedicare = 0;
      for (const patient of patients) {
        const identifiers = (patient.identifier ?? []) as { system?: string; value?: string }[];
        const medicare = identifiers.find((i) => i.system === MEDICARE)?.value ?? null;
        withMedicare += medicare === null ? 0 : 1;
        assert.equal(rows.get(patient.id)?.medicare_number, medicare, patient.id);
        assert.equal(rows.get(patient.id)?.ihi, identifiers.find((i) => i.system === IHI)?.value ?? null, patient.id);
        assert.equal(rows.get(patient.id)?.birth_date, patient.birthDate ?? null);
      }
      assert.ok(withMedicare > patients.length / 2, 'most patients have a Medicare number');
    }
  });

  it('turns references into the ids of resources the same API serves', () => {
    const checks: [Map<string, Resource[]>, string, string, string][] = [
      [bestPractice, 'Appointment', 'patient_id', 'Patient'],
      [bestPractice, 'Appointment', 'practitioner_id', 'Practitioner'],
      [bestPractice, 'Immunization', 'patient_id', 'Patient'],
      [bestPractice, 'MedicationStatement', 'patient_id', 'Patient'],
      [bestPractice, 'PractitionerRole', 'practitioner_id', 'Practitioner'],
      [halaxy, 'Appointment', 'patient_id', 'Patient'],
      [halaxy, 'Appointment', 'practitioner_role_id', 'PractitionerRole'],
      [halaxy, 'InvoiceLine', 'invoice_id', 'Invoice'],
      [halaxy, 'InvoiceLine', 'charge_item_definition_id', 'ChargeItemDefinition'],
      [halaxy, 'PaymentTransaction', 'invoice_id', 'Invoice'],
      [halaxy, 'Slot', 'schedule_id', 'Schedule'],
      [halaxy, 'Coverage', 'beneficiary_id', 'Patient'],
      [halaxy, 'Referral', 'referral_definition_id', 'ReferralDefinition'],
    ];
    for (const [source, type, column, target] of checks) {
      const keys = rowsOf(source, type).map((row) => row[column]).filter((key) => key !== null);
      assert.ok(keys.length > 0, `${type}.${column} is filled`);
      const targets = idsOf(source, target);
      assert.deepEqual(keys.filter((key) => !targets.has(key as string)), [], `${type}.${column} → ${target}`);
    }
  });

  it('shows codes, dates and amounts as the resources hold them', () => {
    const invoice = (halaxy.get('Invoice') ?? [])[0] as Resource & { status: string; totalGross?: { value: number; currency: string } };
    const row = rowsOf(halaxy, 'Invoice')[0];
    assert.equal(row.status, invoice.status);
    assert.equal(row.total_gross, invoice.totalGross?.value ?? null);
    assert.equal(row.total_gross_currency, invoice.totalGross?.currency ?? null);
    const service = rowsOf(halaxy, 'HealthcareService')[0];
    assert.equal(typeof service.duration_minutes, 'number');
    assert.equal(typeof service.online_booking, 'boolean');
    const appointment = (bestPractice.get('Appointment') ?? [])[0] as Resource & { start: string; status: string };
    const appointmentRow = rowsOf(bestPractice, 'Appointment')[0];
    assert.equal(appointmentRow.start, appointment.start);
    assert.equal(appointmentRow.status, appointment.status);
  });

  it('computes every default column on the fast path, with the same values as fhirpath', () => {
    for (const source of [bestPractice, halaxy]) {
      for (const [type, resources] of source) {
        const view = DEFAULT_VIEWS.get(type);
        if (view === undefined) {
          continue;
        }
        const constants = Object.fromEntries((view.constant ?? []).map((c) => [c.name, c.valueUri]));
        for (const column of view.select[0].column ?? []) {
          const fast = compileFastPath(column.path, type, type, constants);
          assert.ok(fast, `${type}.${column.name} compiles to the fast path`);
          const slow = compileExpression(column.path, 'values');
          for (const resource of resources.slice(0, 200)) {
            const variables = { ...constants, rowIndex: 0, resource, rootResource: resource };
            let actual: unknown;
            try {
              actual = fast(resource, variables);
            } catch (error) {
              assert.notEqual(error, FALL_BACK, `${type}.${column.name} fell back to fhirpath on ${resource.id}`);
              throw error;
            }
            assert.deepEqual(JSON.parse(JSON.stringify(actual)), JSON.parse(JSON.stringify(slow(resource, variables))), `${type}.${column.name} on ${resource.id}`);
          }
        }
      }
    }
  });

  it('gives other types a view of their id and last update', () => {
    const view = defaultViewFor('Observation');
    const rows = compileViewDefinition(view).run([{ resourceType: 'Observation', id: 'o1', meta: { lastUpdated: '2026-01-01T00:00:00Z' } }]);
    assert.deepEqual(rows, [{ id: 'o1', last_updated: '2026-01-01T00:00:00Z' }]);
    assert.equal(defaultViewFor('Patient'), DEFAULT_VIEWS.get('Patient'));
  });
});
