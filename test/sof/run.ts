import { formatResult, runSofDirectory, summaryLine } from './sofRunner';

/**
 * `npm run test:sof -- <dir>`: runs every SQL on FHIR v2 test file in `<dir>` through the ViewDefinition engine,
 * printing one line per test and `N passed, N failed` last; exits 1 when any test failed.
 */
function main(argv: readonly string[]): number {
  const directory = argv[0];
  if (directory === undefined || argv.length > 1) {
    console.error('usage: npm run test:sof -- <directory of SQL on FHIR test files>');
    return 2;
  }
  const results = runSofDirectory(directory);
  for (const result of results) {
    console.log(formatResult(result));
  }
  console.log(summaryLine(results));
  return results.every((result) => result.passed) ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
