import { strict as assert } from 'node:assert';
import type { Database } from 'sql.js';
import { BestPracticeFhirFacade } from '../../../../src/sandbox/fhir/bestPracticeFhir';
import { BASE_URL, FacadeClient, NOW, createBestPracticeDatabase, link, matchIds } from './bestPracticeFixture';
import type { Bundle } from './bestPracticeFixture';

const MEDICARE = 'http://ns.electronichealth.net.au/id/medicare-number';
const IHI = 'http://ns.electronichealth.net.au/id/hi/ihi/1.0';
const HPII = 'http://ns.electronichealth.net.au/id/hi/hpii/1.0';
const PROVIDER = 'http://ns.electronichealth.net.au/id/medicare-provider-number';

describe('Best Practice FHIR facade: search', () => {
  let db: Database;
  let client: FacadeClient;

  before(async () => {
    db = await createBestPracticeDatabase();
    client = new FacadeClient(new BestPracticeFhirFacade(db, { now: () => NOW }));
  });
  after(() => db.close());

  const ids = (query: string) => matchIds(client.search(query));
  const outcome = (query: string, handling?: 'strict' | 'lenient') => {
    const response = client.get(query, handling);
    const issue = (response.body.issue as { severity: string; code: string; diagnostics: string }[] | undefined)?.[0];
    return { status: response.status, resourceType: response.body.resourceType, issue };
  };

  describe('string parameters', () => {
    it('match case- and accent-insensitive prefixes of any name part by default', () => {
      assert.deepEqual(ids('Patient?name=john'), ['10', '13', '14']);
      assert.deepEqual(ids('Patient?family=angstrom'), ['12']);
      assert.deepEqual(ids('Patient?given=ZOE'), ['12']);
      assert.deepEqual(ids('Patient?name=jack'), ['13'], 'the preferred name is a usual HumanName');
    });
    it('honour :exact and :contains', () => {
      assert.deepEqual(ids('Patient?given:exact=John'), ['10']);
      assert.deepEqual(ids('Patient?given:exact=john'), []);
      assert.deepEqual(ids('Patient?family:contains=son'), ['14']);
      assert.deepEqual(ids('Patient?family:contains=ngst'), ['12']);
    });
    it('search address parts, including the state derived from the postcode', () => {
      assert.deepEqual(ids('Patient?address-postalcode=2'), ['10', '11', '15']);
      assert.deepEqual(ids('Patient?address-state=ACT'), ['15']);
      assert.deepEqual(ids('Patient?address-state=nt'), ['16']);
      assert.deepEqual(ids('Patient?address=brisbane'), ['12']);
      assert.deepEqual(ids('Patient?address-city=Syd'), ['10', '11']);
    });
    it('search practitioners by name', () => {
      assert.deepEqual(ids('Practitioner?name=smi'), ['1']);
      assert.deepEqual(ids('Practitioner?family=jones&given=ben'), ['2']);
    });
  });

  describe('token parameters', () => {
    it('match code, system|code, |code and system|', () => {
      assert.deepEqual(ids('Patient?gender=female'), ['11', '12', '14', '16', '20']);
      assert.deepEqual(ids('Patient?gender=http://hl7.org/fhir/administrative-gender|other'), ['18']);
      assert.deepEqual(ids('Patient?gender=http://example.org|other'), []);
      assert.deepEqual(ids(`Patient?identifier=${IHI}|`), ['10', '11']);
      assert.deepEqual(ids('Patient?identifier=R13'), ['13']);
      assert.deepEqual(ids('Patient?identifier=|R13'), [], 'the record number has a system');
      assert.deepEqual(ids('Patient?email=|jane@example.com'), ['11'], 'ContactPoint tokens carry no system');
    });
    it('find patients by Medicare number with or without the IRN, and by IHI', () => {
      assert.deepEqual(ids(`Patient?identifier=${MEDICARE}|21234567011`), ['10']);
      assert.deepEqual(ids(`Patient?identifier=${MEDICARE}|21234567012`), ['11']);
      assert.deepEqual(ids(`Patient?identifier=${MEDICARE}|2123456701`), ['10', '11']);
      assert.deepEqual(ids(`Patient?identifier=${IHI}|8003608166690503`), ['10']);
      assert.deepEqual(ids(`Patient?identifier=${IHI}|21234567011`), []);
    });
    it('find practitioners by HPI-I and Medicare provider number', () => {
      assert.deepEqual(ids(`Practitioner?identifier=${HPII}|8003614900045678`), ['2']);
      assert.deepEqual(ids(`Practitioner?identifier=${PROVIDER}|2426621B`), ['1']);
      assert.deepEqual(ids(`PractitionerRole?identifier=${PROVIDER}|2426621B`), ['1']);
    });
    it('honour :not and :text', () => {
      assert.deepEqual(ids('Patient?gender:not=male'), ['11', '12', '14', '16', '18', '20']);
      assert.deepEqual(ids('Patient?gender:not=male,female'), ['18']);
      assert.deepEqual(ids("Patient?identifier:text=patient's%20medicare"), ['10', '11']);
      assert.deepEqual(ids('AllergyIntolerance?code:text=penic'), ['200']);
    });
    it('search booleans, phones and emails', () => {
      assert.deepEqual(ids('Patient?active=true'), ['10', '11', '12', '13', '14', '15', '16', '17', '18']);
      assert.deepEqual(ids('Patient?active=false'), ['19', '20', '21']);
      assert.deepEqual(ids('Patient?deceased=true'), ['21']);
      assert.deepEqual(ids('Practitioner?active=false'), ['3']);
      assert.deepEqual(ids(`Patient?phone=${encodeURIComponent('0412 000 011')}`), ['11']);
      assert.deepEqual(ids('Patient?telecom=john@example.com'), ['10']);
      assert.deepEqual(ids('Patient?email=zoe@example.com'), ['12']);
    });
  });

  describe('date parameters', () => {
    it('treat a partial date as its whole range', () => {
      assert.deepEqual(ids('Patient?birthdate=1970'), ['10', '14', '17']);
      assert.deepEqual(ids('Patient?birthdate=1970-06'), ['17']);
      assert.deepEqual(ids('Patient?birthdate=1970-03-02'), ['10']);
    });
    it('apply every prefix', () => {
      assert.deepEqual(ids('Patient?birthdate=eq1970'), ['10', '14', '17']);
      assert.deepEqual(ids('Patient?birthdate=ne1970').length, 9);
      assert.deepEqual(ids('Patient?birthdate=lt1970'), ['16', '21']);
      assert.deepEqual(ids('Patient?birthdate=gt1999'), ['15']);
      assert.deepEqual(ids('Patient?birthdate=ge1995-02-28'), ['15', '18']);
      assert.deepEqual(ids('Patient?birthdate=le1969-12-31'), ['16', '21']);
      assert.deepEqual(ids('Patient?birthdate=sa1990-01-01'), ['15', '18']);
      assert.deepEqual(ids('Patient?birthdate=eb1970-01-01'), ['16', '21']);
      // now = 2025-01-01, so ap allows 10% of ~55 years (≈ 5.5 years) either side of 1970-03-01.
      assert.deepEqual(ids('Patient?birthdate=ap1970-03-01'), ['10', '11', '14', '16', '17']);
    });
    it('AND repeated parameters and OR comma-separated values', () => {
      assert.deepEqual(ids('Patient?birthdate=ge1970-06-15&birthdate=le1970-12-31'), ['14', '17']);
      assert.deepEqual(ids('Patient?birthdate=1940,2000'), ['15', '21']);
    });
    it('compare appointment instants at their precision, with offsets', () => {
      assert.deepEqual(ids('Appointment?date=2024-05-02'), ['101', '102']);
      assert.deepEqual(ids('Appointment?date=ge2024-06'), ['103', '104']);
      assert.deepEqual(ids('Appointment?date=lt2024-05-02T10:00'), ['100'], '10:00:00 is not before the minute 10:00');
      assert.deepEqual(ids(`Appointment?date=${encodeURIComponent('ge2024-05-02T00:00:00Z')}`), ['101', '102', '103', '104']);
      assert.deepEqual(ids(`Appointment?date=${encodeURIComponent('2024-05-01T09:00:00+10:00')}`), ['100']);
    });
    it('search _lastUpdated with prefixes', () => {
      assert.deepEqual(ids('Patient?_lastUpdated=ge2024-11-01'), ['20', '21']);
      assert.deepEqual(ids('Patient?_lastUpdated=2024-01'), ['10']);
      assert.deepEqual(ids('Appointment?_lastUpdated=gt2024-06-10T10:00:00'), ['104']);
    });
    it('search clinical dates', () => {
      assert.deepEqual(ids('Immunization?date=2024'), ['302']);
      assert.deepEqual(ids('Immunization?patient=10&date=ge2023'), ['300']);
      assert.deepEqual(ids('MedicationStatement?effective=lt2024-03'), ['401']);
      assert.deepEqual(ids('AllergyIntolerance?date=2022'), ['202']);
    });
    it('refuse malformed dates and prefixes with 400 naming the parameter and value', () => {
      for (const bad of ['1970-13-01', 'xx1970', '1970-02-30', '19700101', 'ge']) {
        const result = outcome(`Patient?birthdate=${bad}`);
        assert.equal(result.status, 400, bad);
        assert.equal(result.resourceType, 'OperationOutcome');
        assert.equal(result.issue?.severity, 'error');
        assert.equal(result.issue?.code, 'invalid');
        assert.match(result.issue?.diagnostics ?? '', new RegExp(`'${bad}'.*'birthdate'`));
      }
    });
  });

  describe('reference parameters', () => {
    it('accept Type/id, a bare id (Halo), an absolute URL and a type modifier', () => {
      assert.deepEqual(ids('Appointment?patient=Patient/10'), ['100', '101']);
      assert.deepEqual(ids('Appointment?patient=10'), ['100', '101']);
      assert.deepEqual(ids(`Appointment?patient=${BASE_URL}/Patient/10`), ['100', '101']);
      assert.deepEqual(ids('Appointment?actor:Patient=10'), ['100', '101']);
      assert.deepEqual(ids('Appointment?actor:Practitioner=10'), []);
      assert.deepEqual(ids('Patient?general-practitioner=http://elsewhere.example/fhir/Practitioner/2'), ['12']);
    });
    it('search appointments by actor, practitioner, location and status', () => {
      assert.deepEqual(ids('Appointment?actor=Practitioner/2'), ['101', '103']);
      assert.deepEqual(ids('Appointment?practitioner=1'), ['100', '102', '104']);
      assert.deepEqual(ids('Appointment?location=Location/2'), ['101', '103']);
      assert.deepEqual(ids('Appointment?status=booked,arrived'), ['100', '104']);
      assert.deepEqual(ids('Appointment?status=noshow'), ['103']);
      assert.deepEqual(ids('Appointment?practitioner=1&status:not=cancelled'), ['100', '104']);
    });
    it('search clinical resources by patient and subject', () => {
      assert.deepEqual(ids('AllergyIntolerance?patient=Patient/10'), ['200']);
      assert.deepEqual(ids('AllergyIntolerance?patient=11'), [], 'the deleted reaction is not served');
      assert.deepEqual(ids('Immunization?patient=Patient/10'), ['300', '301']);
      assert.deepEqual(ids('MedicationStatement?subject=Patient/10'), ['400']);
      assert.deepEqual(ids('MedicationStatement?patient=11'), ['401']);
    });
  });

  describe('common parameters', () => {
    it('_id takes a comma list; repeating it ANDs', () => {
      assert.deepEqual(ids('Patient?_id=12,10'), ['10', '12']);
      assert.deepEqual(ids('Patient?_id=10&_id=12'), []);
      assert.deepEqual(ids('Patient?_id=10,999'), ['10']);
    });
    it(':missing works on every type', () => {
      assert.deepEqual(ids('Patient?email:missing=false'), ['10', '11', '12']);
      assert.deepEqual(ids('Patient?general-practitioner:missing=true').length, 9);
      assert.deepEqual(ids('Patient?address:missing=true'), ['19', '20', '21']);
      assert.deepEqual(ids('Immunization?performer:missing=true'), ['301']);
      assert.equal(outcome('Patient?email:missing=maybe').status, 400);
    });
    it('an unsupported modifier is a 400', () => {
      const result = outcome('Patient?name:below=jo');
      assert.equal(result.status, 400);
      assert.match(result.issue?.diagnostics ?? '', /below.*name/);
    });
    it('_sort orders ascending, descending and on several keys', () => {
      const byBirth = ['21', '16', '10', '17', '14', '11', '20', '19', '12', '13', '18', '15'];
      assert.deepEqual(ids('Patient?_sort=birthdate&_count=100'), byBirth);
      assert.deepEqual(ids('Patient?_sort=-birthdate&_count=100'), [...byBirth].reverse());
      assert.deepEqual(ids('Patient?_sort=gender,-birthdate'), ['12', '20', '11', '14', '16', '15', '13', '19', '17', '10', '21', '18']);
      assert.deepEqual(ids('Patient?_sort=family'), ['12', '15', '10', '11', '21', '20', '14', '17', '16', '19', '13', '18']);
      assert.deepEqual(ids('Appointment?_sort=-date'), ['104', '103', '102', '101', '100']);
      assert.equal(outcome('Patient?_sort=shoe-size').status, 400);
    });
    it('_summary=count and _total=none', () => {
      const counted = client.search('Patient?active=true&_summary=count');
      assert.equal(counted.total, 9);
      assert.equal(counted.entry, undefined);
      const untotalled = client.search('Patient?_total=none');
      assert.equal(untotalled.total, undefined);
      assert.equal(matchIds(untotalled).length, 12);
    });
    it('_elements keeps the named elements and marks the resource SUBSETTED', () => {
      const bundle = client.search('Patient?_id=10&_elements=birthDate,gender');
      const resource = bundle.entry?.[0].resource as Record<string, unknown>;
      assert.deepEqual(Object.keys(resource).sort(), ['birthDate', 'gender', 'id', 'meta', 'resourceType']);
      assert.equal((resource.meta as { tag: { code: string }[] }).tag[0].code, 'SUBSETTED');
    });
    it('ignores unknown parameters, reports them, and leaves them out of the self link', () => {
      const bundle = client.search('Patient?family=citizen&shoe-size=9');
      assert.deepEqual(matchIds(bundle), ['10', '11']);
      assert.equal(link(bundle, 'self'), `${BASE_URL}/Patient?family=citizen`);
      const note = bundle.entry?.find((e) => e.search.mode === 'outcome');
      assert.match(JSON.stringify(note?.resource), /not applied: shoe-size/);
    });
    it('refuses unknown parameters with 400 under strict handling', () => {
      const result = outcome('Patient?family=citizen&shoe-size=9', 'strict');
      assert.equal(result.status, 400);
      assert.match(result.issue?.diagnostics ?? '', /shoe-size/);
      assert.equal(client.get('Patient?family=citizen', 'strict').status, 200);
    });
  });

  describe('paging', () => {
    it('follows next links across three pages until there is none', () => {
      let bundle: Bundle = client.search('Patient?_count=5&_sort=-_id');
      const pages: string[][] = [];
      for (let guard = 0; guard < 10; guard++) {
        assert.equal(bundle.total, 12);
        pages.push(matchIds(bundle));
        for (const l of bundle.link) {
          assert.match(l.url, /^http:\/\/127\.0\.0\.1:8080\//, 'links are absolute');
        }
        const next = link(bundle, 'next');
        if (next === undefined) {
          break;
        }
        bundle = client.follow(next);
      }
      assert.deepEqual(pages, [
        ['21', '20', '19', '18', '17'],
        ['16', '15', '14', '13', '12'],
        ['11', '10'],
      ]);
      assert.equal(link(bundle, 'last'), `${BASE_URL}/Patient?_sort=-_id&_count=5&_offset=10`);
      assert.deepEqual(matchIds(client.follow(link(bundle, 'previous') ?? '')), pages[1]);
      assert.deepEqual(matchIds(client.follow(link(bundle, 'first') ?? '')), pages[0]);
    });
    it('lowers an oversized _count to the cap and refuses a malformed one', () => {
      assert.match(link(client.search('Patient?_count=5000'), 'self') ?? '', /_count=1000/);
      assert.equal(outcome('Patient?_count=ten').status, 400);
      assert.equal(outcome('Patient?_offset=-1').status, 400);
    });
  });

  describe('_include and _revinclude', () => {
    it('adds referenced resources once with search.mode include', () => {
      const bundle = client.search('Appointment?_include=Appointment:patient&_include=Appointment:practitioner');
      const included = (bundle.entry ?? []).filter((e) => e.search.mode === 'include').map((e) => `${e.resource.resourceType}/${e.resource.id}`);
      assert.deepEqual(included.sort(), ['Patient/10', 'Patient/11', 'Patient/12', 'Patient/13', 'Practitioner/1', 'Practitioner/2']);
      assert.equal(bundle.total, 5, 'included resources do not count');
      for (const e of bundle.entry ?? []) {
        assert.equal(e.fullUrl, `${BASE_URL}/${e.resource.resourceType}/${e.resource.id}`);
      }
    });
    it('supports MedicationStatement:subject, a target type and iterate', () => {
      const bundle = client.search('MedicationStatement?subject=Patient/10&_include=MedicationStatement:subject');
      assert.deepEqual(
        (bundle.entry ?? []).map((e) => `${e.search.mode}:${e.resource.resourceType}/${e.resource.id}`),
        ['match:MedicationStatement/400', 'include:Patient/10'],
      );
      const typed = client.search('Appointment?_id=100&_include=Appointment:actor:Location');
      assert.deepEqual((typed.entry ?? []).map((e) => `${e.resource.resourceType}/${e.resource.id}`), ['Appointment/100', 'Location/1']);
      const iterated = client.search('Appointment?_id=100&_include=Appointment:patient&_include:iterate=Patient:general-practitioner');
      assert.deepEqual(
        (iterated.entry ?? []).map((e) => `${e.resource.resourceType}/${e.resource.id}`),
        ['Appointment/100', 'Patient/10', 'Practitioner/1'],
      );
    });
    it('revincludes resources that point at the matches', () => {
      const bundle = client.search('Patient?_id=10&_revinclude=Appointment:patient&_revinclude=Immunization:patient');
      assert.deepEqual(
        (bundle.entry ?? []).map((e) => `${e.search.mode}:${e.resource.resourceType}/${e.resource.id}`),
        ['match:Patient/10', 'include:Appointment/100', 'include:Appointment/101', 'include:Immunization/300', 'include:Immunization/301'],
      );
    });
    it('refuses an include the type does not have', () => {
      assert.equal(outcome('Appointment?_include=Appointment:shoe').status, 400);
      assert.equal(outcome('Appointment?_include=Patient:general-practitioner').status, 400);
    });
  });

  describe('POST _search', () => {
    it('returns the same matches as GET for the same parameters', () => {
      const query = 'family=citizen&birthdate=ge1971&_sort=-birthdate';
      const viaGet = client.search(`Patient?${query}`);
      const viaPost = client.facade.handle({ method: 'POST', path: 'Patient/_search', params: new URLSearchParams(query), baseUrl: BASE_URL });
      assert.equal(viaPost.status, 200);
      const body = viaPost.body as Bundle;
      assert.deepEqual(matchIds(body), matchIds(viaGet));
      assert.deepEqual(matchIds(body), ['11']);
      assert.equal(body.total, viaGet.total);
      assert.equal(link(body, 'self'), link(viaGet, 'self'));
    });
  });

  describe('freshness', () => {
    it('serves rows written through SQL on the next request', () => {
      assert.deepEqual(ids('Patient?family=newcomer'), []);
      db.run(
        `INSERT INTO PATIENTS (INTERNALID, FIRSTNAME, SURNAME, DOB, SEXCODE, RECORDSTATUS, PATIENTSTATUS, CREATED, UPDATED)
         VALUES (50, 'Nina', 'Newcomer', '2001-01-01T00:00:00', 2, 1, 1, '2025-01-01T09:00:00', '2025-01-01T09:00:00')`,
      );
      try {
        assert.deepEqual(ids('Patient?family=newcomer'), ['50']);
        db.run(`UPDATE PATIENTS SET SURNAME = 'Oldtimer' WHERE INTERNALID = 50`);
        assert.deepEqual(ids('Patient?family=newcomer'), []);
        assert.equal(client.get('Patient/50').status, 200);
      } finally {
        db.run('DELETE FROM PATIENTS WHERE INTERNALID = 50');
      }
      assert.equal(client.get('Patient/50').status, 404);
    });
  });
});
