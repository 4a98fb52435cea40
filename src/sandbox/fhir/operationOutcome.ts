/** The FHIR R4 issue-type codes the Sandbox reports (a subset of http://hl7.org/fhir/issue-type). */
export type IssueCode =
  | 'invalid' | 'required' | 'value' | 'business-rule' | 'conflict' | 'duplicate' | 'not-found' | 'not-supported'
  | 'processing' | 'exception' | 'informational' | 'security' | 'login' | 'forbidden' | 'throttled' | 'transient' | 'too-long';

export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: { severity: IssueSeverity; code: IssueCode; diagnostics: string }[];
}

export function operationOutcome(severity: IssueSeverity, code: IssueCode, diagnostics: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, diagnostics }] };
}

/**
 * A request the FHIR layer refuses: thrown anywhere in parsing or searching and turned into an HTTP status with an
 * OperationOutcome body at the edge, so that deep code needs no error plumbing.
 */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly code: IssueCode,
    diagnostics: string,
  ) {
    super(diagnostics);
    this.name = 'FhirError';
  }

  toOutcome(): OperationOutcome {
    return operationOutcome('error', this.code, this.message);
  }
}
