import assert from 'node:assert/strict';
import { executionModeFor, sqlPlan } from '../../../../src/vscode/runs/sqlPlan';
import { writeConfirmation } from '../../../../src/vscode/runs/writeGuard';
import type { PlannedRun } from '../../../../src/vscode/runs/writeGuard';

const production = { name: 'Bendigo Medical Clinic', pms: 'BestPractice' as const, connectionName: 'Halo production', allowWrites: false, production: true };
const sandbox = { name: 'Castle Hill Dental Care', pms: 'D4w' as const, connectionName: 'Sandbox', allowWrites: true, production: false };
const halaxy = { name: 'Halaxy Practice', pms: 'Halaxy' as const, connectionName: 'Halaxy AU', allowWrites: false, production: true };

describe('vscode/runs/writeGuard', () => {
  it('lets provable reads through without asking', () => {
    const plan = sqlPlan('SELECT TOP 5 Firstname, Surname FROM BPS_Patients WHERE Surname LIKE @name');
    assert.equal(plan.verdict, 'read');
    assert.equal(plan.executionMode, 'reader');
    assert.equal(writeConfirmation([production], plan), undefined);
  });

  it('asks before a write, naming the site, its PMS and what writes', () => {
    const plan = sqlPlan('UPDATE PATIENTS SET FIRSTNAME = @first WHERE INTERNALID = 1');
    assert.equal(plan.verdict, 'write');
    assert.equal(plan.executionMode, 'nonQuery');
    const confirmation = writeConfirmation([production], plan);
    assert.ok(confirmation);
    assert.match(confirmation.message, /Bendigo Medical Clinic/);
    assert.match(confirmation.message, /"Bendigo Medical Clinic" \(Best Practice, Halo production, production\)/);
    assert.match(confirmation.message, /UPDATE PATIENTS/i);
    assert.equal(confirmation.confirm, 'Write to Bendigo Medical Clinic');
  });

  it('asks for procedures not known to read, and not for those known to read', () => {
    const writing = sqlPlan("EXEC BP_AddPatient @firstname = 'Ann'");
    assert.notEqual(writing.verdict, 'read');
    assert.match(writeConfirmation([production], writing)?.message ?? '', /BP_AddPatient/);
    const reading = sqlPlan("EXEC BP_GetPatientByNameDOB @surname = 'Smith', @firstname = 'Ann', @dob = '1970-01-01'");
    assert.equal(reading.verdict, 'read');
    assert.equal(writeConfirmation([production], reading), undefined);
  });

  it('treats unknown as a write and a nonQuery as a write whatever its text', () => {
    const unknown: PlannedRun = { language: 'sql', verdict: 'unknown', reasons: ['could not parse statement 1'], executionMode: 'reader' };
    assert.match(writeConfirmation([production], unknown)?.message ?? '', /could not be proven read-only \(could not parse statement 1\)/);
    const nonQuery: PlannedRun = { language: 'sql', verdict: 'read', reasons: [], executionMode: 'nonQuery' };
    assert.match(writeConfirmation([production], nonQuery)?.message ?? '', /non-query/);
  });

  it('never asks on sites that allow writes, and asks only about those that do not', () => {
    const plan = sqlPlan('DELETE FROM PATIENTS WHERE INTERNALID = 3');
    assert.equal(writeConfirmation([sandbox], plan), undefined);
    const both = writeConfirmation([sandbox, production], plan);
    assert.ok(both);
    assert.doesNotMatch(both.message, /Castle Hill/);
    assert.match(both.message, /Bendigo/);
  });

  it('names every guarded site of a run on several sites', () => {
    const plan = sqlPlan('INSERT INTO PATIENTS (FIRSTNAME) VALUES (1)');
    const confirmation = writeConfirmation([production, { ...production, name: 'Cranbourne Family Medical' }], plan);
    assert.match(confirmation?.message ?? '', /2 sites: "Bendigo Medical Clinic".*"Cranbourne Family Medical"/);
    assert.equal(confirmation?.confirm, 'Write to 2 sites');
  });

  it('asks before FHIR writes and not before reads', () => {
    const write: PlannedRun = { language: 'fhir', method: 'post', path: 'Patient?x=1', write: true };
    assert.match(writeConfirmation([halaxy], write)?.message ?? '', /Halaxy Practice" \(Halaxy, Halaxy AU, production\): POST Patient\./);
    assert.equal(writeConfirmation([halaxy], { language: 'fhir', method: 'GET', path: 'Patient', write: false }), undefined);
  });

  it('runs plain DML as a nonQuery and anything that may return rows as a reader', () => {
    assert.equal(executionModeFor('UPDATE PATIENTS SET X = 1; DELETE FROM Y', 'write'), 'nonQuery');
    assert.equal(executionModeFor('INSERT INTO T (A) OUTPUT inserted.A VALUES (1)', 'write'), 'reader');
    assert.equal(executionModeFor('EXEC BP_AddPatient', 'write'), 'reader');
    assert.equal(executionModeFor('SELECT 1', 'read'), 'reader');
  });
});
