import { decodePage } from '../../src/core/results/decodePage';
import type { BenchFigure } from './benchReport';
import { medianMs } from './benchReport';

/** A ~1 MB page of patient-like rows, as Halo sends it: base64 of a JSON array of row objects. */
function samplePage(): string {
  const rows = [];
  for (let i = 0; rows.length * 190 < 1_000_000; i++) {
    rows.push({
      InternalID: i, Firstname: `Given${i % 977}`, Surname: `Family${i % 1231}`, DOB: '1975-03-02T00:00:00',
      Sex: i % 2 ? 'Female' : 'Male', Address1: `${i % 300} Example Street`, City: 'Parramatta', Postcode: '2150',
      MobilePhone: '0412 345 678', MedicareNo: '2123456701',
    });
  }
  return Buffer.from(JSON.stringify(rows)).toString('base64');
}

/** The host only decodes base64 and hands the bytes on; the webview parses. Goal: ≤ 0.1× of parsing the same bytes. */
export function hostPageCost(): BenchFigure {
  const page = samplePage();
  const bytes = decodePage(page);
  const value = medianMs(15, () => decodePage(page));
  const baseline = medianMs(15, () => JSON.parse(bytes.toString('utf8')));
  return { name: 'host cost per page', value, baseline, unit: 'ms', goal: { op: '<=', target: 0.1, on: 'ratio' } };
}
