import assert from 'node:assert/strict';
import { isPostcodeInState, isValidHpii, isValidIhi, isValidMedicareNumber, isValidProviderNumber } from '../../../../src/sandbox/data/australianIdentifiers';
import { generatePractice, practiceWindow } from '../../../../src/sandbox/data/practiceGenerator';
import type { GeneratedPractice } from '../../../../src/sandbox/data/practiceModel';

const NOW = new Date('2025-06-16T02:00:00Z');

function ageOn(dob: string, today: string): number {
  const [y, m, d] = dob.split('-').map(Number);
  const [ty, tm, td] = today.slice(0, 10).split('-').map(Number);
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

describe('generatePractice', () => {
  let practice: GeneratedPractice;
  before(() => {
    practice = generatePractice({ seed: 42, patients: 2000, now: NOW });
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const again = generatePractice({ seed: 42, patients: 2000, now: NOW });
    assert.equal(JSON.stringify(again), JSON.stringify(practice));
    const other = generatePractice({ seed: 43, patients: 2000, now: NOW });
    assert.notEqual(other.patients[0].surname + other.patients[0].dob, practice.patients[0].surname + practice.patients[0].dob);
    assert.notEqual(JSON.stringify(other.appointments.slice(0, 50)), JSON.stringify(practice.appointments.slice(0, 50)));
  });

  it('places dates relative to the injected now', () => {
    const later = generatePractice({ seed: 42, patients: 200, now: new Date('2026-06-16T02:00:00Z') });
    const earlier = generatePractice({ seed: 42, patients: 200, now: NOW });
    assert.equal(later.patients[0].firstName, earlier.patients[0].firstName);
    assert.equal(Number(later.patients[0].dob.slice(0, 4)) - Number(earlier.patients[0].dob.slice(0, 4)), 1);
    const wall = new Intl.DateTimeFormat('sv-SE', { timeZone: practice.timeZone, dateStyle: 'short', timeStyle: 'medium' }).format(NOW);
    assert.equal(practice.now, wall.replace(' ', 'T'));
    assert.equal(practice.instant, NOW.toISOString());
    assert.deepEqual(practiceWindow(practice), { firstDay: '2023-12-16', lastDay: '2025-09-16' });
  });

  it('describes the practice for Halo site metadata', () => {
    assert.match(practice.name, /\S+ \S+/);
    assert.match(practice.pmsVersion, /^Best Practice \w+( SP\d)? 1\.\d+\.\d+\.\d{4}$/);
    assert.ok(isPostcodeInState(practice.address.postcode, practice.address.state));
    assert.ok(practice.locations.length >= 1 && practice.locations.length <= 3);
    assert.equal(generatePractice({ seed: 1, patients: 100, now: NOW, software: 'Zedmed' }).pmsVersion.match(/^\d+\.\d+\.\d+$/)?.length, 1);
    assert.match(generatePractice({ seed: 1, patients: 100, now: NOW, software: 'D4w' }).pmsVersion, /^11\.\d$/);
  });

  it('gives every practitioner a valid HPI-I and billing practitioners a valid provider number', () => {
    assert.ok(practice.practitioners.some((p) => p.role === 'gp'));
    assert.ok(practice.practitioners.some((p) => p.role === 'nurse'));
    for (const p of practice.practitioners) {
      assert.ok(isValidHpii(p.hpii), p.hpii);
      if (p.role === 'nurse') {
        assert.equal(p.providerNumber, undefined);
      } else {
        assert.ok(p.providerNumber !== undefined && isValidProviderNumber(p.providerNumber), p.providerNumber);
      }
      assert.equal(p.title === 'Dr', p.role === 'gp');
    }
    const dental = generatePractice({ seed: 5, patients: 1500, now: NOW, kind: 'dental' });
    assert.deepEqual([...new Set(dental.practitioners.map((p) => p.role))].sort(), ['dentist', 'hygienist']);
  });

  it('gives every patient valid Medicare numbers, IHIs, phones and postcodes', () => {
    assert.equal(practice.patients.length, 2000);
    let withMedicare = 0;
    for (const p of practice.patients) {
      if (p.medicare !== undefined) {
        withMedicare++;
        assert.ok(isValidMedicareNumber(p.medicare.number), p.medicare.number);
        assert.ok(p.medicare.irn >= 1 && p.medicare.irn <= 9);
        assert.match(p.medicare.expiry, /^\d{4}-\d{2}$/);
      }
      if (p.ihi !== undefined) {
        assert.ok(isValidIhi(p.ihi), p.ihi);
      }
      if (p.mobile !== undefined) {
        assert.match(p.mobile, /^04\d{2} \d{3} \d{3}$/);
      }
      assert.ok(isPostcodeInState(p.address.postcode, p.address.state), `${p.address.suburb} ${p.address.state} ${p.address.postcode}`);
      assert.match(p.dob, /^\d{4}-\d{2}-\d{2}$/);
    }
    assert.ok(withMedicare > 1800);
    assert.equal(new Set(practice.patients.map((p) => p.id)).size, 2000);
  });

  it('has an Australian-like age pyramid and sex ratio', () => {
    const today = practice.now;
    const ages = practice.patients.map((p) => ageOn(p.dob, today));
    assert.ok(Math.min(...ages) >= 0 && Math.max(...ages) <= 100, `${Math.min(...ages)}–${Math.max(...ages)}`);
    const share = (test: (age: number) => boolean): number => ages.filter(test).length / ages.length;
    assert.ok(share((a) => a < 15) > 0.1 && share((a) => a < 15) < 0.3, `under 15: ${share((a) => a < 15)}`);
    assert.ok(share((a) => a >= 65) > 0.1 && share((a) => a >= 65) < 0.35, `65+: ${share((a) => a >= 65)}`);
    assert.ok(share((a) => a >= 85) > 0.005);
    const sorted = [...ages].sort((a, b) => a - b);
    assert.ok(sorted[1000] >= 30 && sorted[1000] <= 50, `median ${sorted[1000]}`);
    const female = practice.patients.filter((p) => p.sex === 'female').length / 2000;
    assert.ok(female > 0.45 && female < 0.56, `female ${female}`);
    for (const p of practice.patients) {
      const age = ageOn(p.dob, today);
      if (p.title === 'Master') {
        assert.ok(p.sex === 'male' && age < 16);
      }
      if (p.title === 'Mrs') {
        assert.equal(p.sex, 'female');
      }
    }
  });

  it('links families to a head of family on the same Medicare card', () => {
    const byId = new Map(practice.patients.map((p) => [p.id, p]));
    const members = practice.patients.filter((p) => p.headOfFamilyId !== undefined);
    assert.ok(members.length > 300);
    let sharedCards = 0;
    for (const member of members) {
      const head = byId.get(member.headOfFamilyId as number);
      assert.ok(head !== undefined && head.headOfFamilyId === undefined);
      assert.equal(member.address.line1, head.address.line1);
      if (member.medicare !== undefined && head.medicare !== undefined && member.medicare.number === head.medicare.number) {
        sharedCards++;
        assert.notEqual(member.medicare.irn, head.medicare.irn);
      }
    }
    assert.ok(sharedCards > members.length / 2);
    assert.ok(practice.patients.some((p) => p.concession === 'pension'));
    assert.ok(practice.patients.some((p) => p.dvaNumber !== undefined));
    assert.ok(practice.patients.some((p) => p.status === 'inactive'));
    assert.ok(practice.patients.some((p) => p.status === 'deceased'));
    assert.ok(practice.patients.some((p) => p.status === 'deleted'));
  });

  it('books appointments on weekdays in session hours, 18 months back and 3 months ahead, with sensible statuses', () => {
    const window = practiceWindow(practice);
    const today = practice.now.slice(0, 10);
    const nowSeconds = Number(practice.now.slice(11, 13)) * 3600 + Number(practice.now.slice(14, 16)) * 60;
    const practitioners = new Map(practice.practitioners.map((p) => [p.id, p]));
    const patients = new Map(practice.patients.map((p) => [p.id, p]));
    assert.ok(practice.appointments.length > 8000, `${practice.appointments.length} appointments`);
    let future = 0;
    for (const a of practice.appointments) {
      assert.ok(a.date >= window.firstDay && a.date <= window.lastDay, a.date);
      const weekday = new Date(`${a.date}T00:00:00Z`).getUTCDay();
      assert.ok(weekday >= 1 && weekday <= 5);
      const practitioner = practitioners.get(a.practitionerId);
      const patient = patients.get(a.patientId);
      assert.ok(practitioner !== undefined && patient !== undefined);
      assert.ok(patient.dob <= a.date);
      assert.ok(practitioner.sessions.some((s) => s.weekday === weekday && a.start >= s.start && a.start + a.length <= s.end));
      const past = a.date < today || (a.date === today && a.start + a.length <= nowSeconds);
      if (past) {
        assert.ok(['completed', 'didNotAttend', 'cancelled'].includes(a.status), a.status);
      } else if (a.date > today) {
        future++;
        assert.ok(['booked', 'cancelled'].includes(a.status), a.status);
        assert.notEqual(patient.status, 'deceased');
      }
      assert.ok(a.createdAt.slice(0, 10) <= a.date);
    }
    assert.ok(future > 200, `${future} future appointments`);
    assert.ok(practice.appointments[0].date < '2024-01-15');
  });

  it('never double-books a practitioner', () => {
    const byKey = new Map<string, { start: number; end: number }[]>();
    for (const a of practice.appointments) {
      const key = `${a.practitionerId}|${a.date}`;
      const list = byKey.get(key) ?? [];
      assert.ok(!list.some((b) => b.start < a.start + a.length && a.start < b.end), `${key} ${a.start}`);
      list.push({ start: a.start, end: a.start + a.length });
      byKey.set(key, list);
    }
  });

  it('records clinical history, medications, immunisations, allergies, observations and MBS billing', () => {
    const ids = new Set(practice.patients.map((p) => p.id));
    assert.ok(practice.conditions.length > 1000 && practice.conditions.every((c) => ids.has(c.patientId) && /^\d{6,18}$/.test(c.snomed)));
    assert.ok(practice.medications.length > 500 && practice.medications.every((m) => m.dose !== '' && m.frequency !== ''));
    assert.ok(practice.immunisations.some((i) => i.vaccineName === 'Infanrix hexa'));
    assert.ok(practice.immunisations.some((i) => i.vaccineName === 'Fluad Quad'));
    assert.ok(practice.allergies.length > 100);
    assert.ok(practice.observations.some((o) => o.name === 'Systolic BP') && practice.observations.some((o) => o.name === 'BMI'));
    const items = new Set(practice.invoices.flatMap((i) => i.lines.map((l) => l.item)));
    for (const item of ['23', '36', '721', '10990']) {
      assert.ok(items.has(item), `MBS item ${item}`);
    }
    for (const invoice of practice.invoices) {
      assert.equal(invoice.total, invoice.lines.reduce((sum, l) => sum + l.fee, 0));
      assert.ok(invoice.date <= practice.now.slice(0, 10));
    }
    const completed = new Set(practice.appointments.filter((a) => a.status === 'completed').map((a) => a.id));
    assert.ok(practice.encounters.every((e) => completed.has(e.appointmentId) || practice.appointments[e.appointmentId - 1].status === 'inConsultation'));
  });

  it('generates a dental practice with ADA items, FDI teeth and recalls', () => {
    const dental = generatePractice({ seed: 8, patients: 800, now: NOW, kind: 'dental' });
    const lines = dental.invoices.flatMap((i) => i.lines);
    assert.ok(lines.some((l) => l.item === '114') && lines.some((l) => l.item === '012'));
    for (const l of lines.filter((x) => x.tooth !== undefined)) {
      const tooth = l.tooth as number;
      assert.ok((tooth >= 11 && tooth <= 48 && tooth % 10 >= 1 && tooth % 10 <= 8) || (tooth >= 51 && tooth <= 85 && tooth % 10 <= 5), String(tooth));
    }
    assert.ok(dental.recalls.length > 50);
    assert.equal(dental.immunisations.length, 0);
  });
});
