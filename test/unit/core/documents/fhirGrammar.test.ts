import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * vscode-textmate and vscode-oniguruma are not installed, so the grammar cannot be tokenized here. These tests hold
 * what can be checked without them: the files are JSON, every include resolves, every capture number exists, and
 * every regex compiles under JavaScript's RegExp in unicode mode (strict about escapes) once the Oniguruma-only
 * anchor \G — the one Oniguruma construct the grammar uses — is removed. The patterns' matching is then checked
 * on sample lines the way TextMate applies them: one line at a time.
 */

const root = join(__dirname, '..', '..', '..', '..');
const grammar = JSON.parse(readFileSync(join(root, 'syntaxes', 'fhir.tmLanguage.json'), 'utf8'));
const configuration = JSON.parse(readFileSync(join(root, 'syntaxes', 'fhir.language-configuration.json'), 'utf8'));

type Rule = Record<string, unknown>;
const REGEX_KEYS = ['match', 'begin', 'end', 'while'];

function* rules(node: unknown): Generator<Rule> {
  if (Array.isArray(node)) {
    for (const item of node) yield* rules(item);
  } else if (node !== null && typeof node === 'object') {
    yield node as Rule;
    for (const value of Object.values(node)) yield* rules(value);
  }
}

const toJavaScript = (source: string): RegExp => new RegExp(source.replace(/\\G/g, ''), 'u');
const repository = grammar.repository as Record<string, Rule>;
const regex = (name: string): RegExp => toJavaScript(repository[name].match as string);

describe('syntaxes/fhir grammar and language configuration', () => {
  it('names the scope and the file type', () => {
    assert.equal(grammar.scopeName, 'source.fhir-request');
    assert.deepEqual(grammar.fileTypes, ['fhir']);
  });

  it('compiles every regex under JavaScript RegExp (unicode mode), \\G aside', () => {
    let count = 0;
    for (const rule of rules(grammar)) {
      for (const key of REGEX_KEYS) {
        if (typeof rule[key] !== 'string') continue;
        const source = rule[key] as string;
        assert.doesNotThrow(() => toJavaScript(source), `${key}: ${source}`);
        // Outside character classes: \A \z \Z \h \H, inline flags, atomic groups and possessive quantifiers.
        const outsideClasses = source.replace(/\\\\/g, '').replace(/\[(?:\\.|[^\]\\])*\]/g, '');
        assert.doesNotMatch(outsideClasses, /\\[AzZhH]|\(\?[imx]|\(\?>|[*+?}]\+/, `Oniguruma-only syntax in ${source}`);
        count++;
      }
    }
    assert.ok(count >= 20, `only ${count} regexes found`);
  });

  it('resolves every include and uses only capture numbers its regex has', () => {
    for (const rule of rules(grammar)) {
      if (typeof rule.include === 'string' && rule.include.startsWith('#')) {
        assert.ok(repository[rule.include.slice(1)], `missing ${rule.include}`);
      }
      for (const [regexKey, capturesKey] of [['match', 'captures'], ['begin', 'beginCaptures'], ['end', 'endCaptures']]) {
        const captures = rule[capturesKey] as Record<string, unknown> | undefined;
        if (!captures || typeof rule[regexKey] !== 'string') continue;
        const groups = (new RegExp(`${(rule[regexKey] as string).replace(/\\G/g, '')}|`, 'u').exec('') as RegExpExecArray).length - 1;
        for (const number of Object.keys(captures)) assert.ok(Number(number) <= groups, `capture ${number} of ${rule[regexKey]}`);
      }
    }
    assert.ok([...rules(grammar)].some((rule) => rule.include === 'source.json'), 'JSON bodies include source.json');
  });

  it('matches the lines of a .fhir document with the rules meant for them', () => {
    assert.deepEqual(regex('separator').exec('### Find patients')?.slice(1), ['###', ' Find patients']);
    assert.deepEqual(regex('site-pin').exec('# @site Sunshine Clinic')?.slice(1), ['#', '@site', 'Sunshine Clinic']);
    assert.ok(regex('comment').test('  # a comment'));
    assert.deepEqual(regex('variable-definition').exec('@base = Patient?family={{family}}')?.slice(1), ['@', 'base', '=', 'Patient?family={{family}}']);
    assert.deepEqual(regex('variable-reference').exec('x{{ id }}y')?.slice(1), ['{{', 'id', '}}']);
    assert.deepEqual(regex('header').exec('Content-Type: application/fhir+json')?.slice(1), ['Content-Type', ':', 'application/fhir+json']);
    assert.deepEqual(regex('query-continuation').exec('    &_count=10')?.slice(1), ['&', '_count=10']);
    assert.ok(regex('form-line').test('&given=Jo&family=Smith'));
    assert.ok(!regex('form-line').test('  "resourceType": "Patient",'));
  });

  it('splits a request line into method, path, query and version', () => {
    const begin = toJavaScript(repository.request.begin as string);
    const line = 'GET Patient/123/$everything?birthdate=ge1970-01-01&name:exact=Jo HTTP/1.1';
    const opening = begin.exec(line) as RegExpExecArray;
    assert.equal(opening[1], 'GET');
    const target = regex('request-target').exec(line.slice(opening[0].length)) as RegExpExecArray;
    assert.deepEqual(target.slice(1), ['Patient/123/$everything', '?', 'birthdate=ge1970-01-01&name:exact=Jo', 'HTTP/1.1']);
    assert.equal(begin.exec('Patient?family=Smith')?.[1], undefined);
    assert.equal(begin.exec('# comment'), null);
    assert.equal(begin.exec('@a = 1'), null);

    const pathRules = (repository.path.patterns as Rule[]).filter((rule) => typeof rule.match === 'string').map((rule) => toJavaScript(rule.match as string));
    const resource = pathRules.find((r) => r.test('Patient')) as RegExp;
    assert.deepEqual(resource.exec('Patient/PR-123')?.slice(1), ['Patient', '/', 'PR-123']);
    assert.deepEqual(resource.exec('Appointment/$find')?.slice(1), ['Appointment', undefined, undefined]);
    assert.equal(pathRules[0].exec('Appointment/$book')?.[0], '$book');

    const parameter = toJavaScript((repository.query.patterns as Rule[])[1].match as string);
    assert.deepEqual(parameter.exec('name:exact=Jo')?.slice(1), ['name', ':exact', '=', 'Jo']);
    const prefix = toJavaScript((repository['search-value'].patterns as Rule[])[1].match as string);
    assert.equal(prefix.exec('ge1970-01-01')?.[1], 'ge');
    assert.equal(prefix.exec('general'), null);
  });

  it('ends a request at the next separator and starts its body at a blank line', () => {
    const end = toJavaScript(repository.request.end as string);
    assert.ok(end.test('### next'));
    assert.ok(!end.test('GET Patient'));
    assert.ok(toJavaScript(repository.body.begin as string).test('   '));
    assert.ok(!toJavaScript(repository.body.begin as string).test('a'));
  });

  it('configures # comments, brackets, auto-closing pairs and region folding', () => {
    assert.deepEqual(configuration.comments, { lineComment: '#' });
    assert.deepEqual(configuration.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
    assert.ok(configuration.autoClosingPairs.some((pair: { open: string }) => pair.open === '"'));
    const start = new RegExp(configuration.folding.markers.start);
    const end = new RegExp(configuration.folding.markers.end);
    assert.ok(start.test('# region Patients') && end.test('# endregion') && !start.test('# endregion'));
    assert.ok(new RegExp(configuration.wordPattern).test('$export-ids'));
  });
});
