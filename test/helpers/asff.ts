/**
 * A validator for `BatchImportFindings` request bodies, written from AWS's documentation of the AWS
 * Security Finding Format: "Required top-level ASFF attributes" (Security Hub user guide), the
 * `AwsSecurityFinding`, `Resource`, `Severity`, `Workflow` and `Recommendation` types of the API
 * reference (lengths, patterns, valid values), "Types taxonomy for ASFF" (namespaces), the timestamp
 * formats in the API reference's introduction, and "Guidelines for using the BatchImportFindings API"
 * (100 findings, 240 KB per finding, 6 MB per batch; calls made from the finding's account).
 *
 * It returns problems as `path: message`; an empty list means the body would pass those checks.
 */

const NAMESPACES = [
  'Software and Configuration Checks',
  'TTPs',
  'Effects',
  'Unusual Behaviors',
  'Sensitive Data Identifications',
];
const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const WORKFLOW_STATUS = ['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED'];
const RECORD_STATE = ['ACTIVE', 'ARCHIVED'];
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'];

export const ASFF_DOC_LIMITS = {
  findingsPerBatch: 100,
  findingBytes: 240 * 1024,
  batchBytes: 6 * 1024 * 1024,
  id: 512,
  generatorId: 512,
  productArnMin: 12,
  productArnMax: 2048,
  title: 256,
  description: 1024,
  types: 50,
  resources: 32,
  resourceType: 256,
  resourceRegion: 16,
  recommendationText: 512,
  productFields: 50,
  productFieldKey: 128,
  productFieldValue: 2048,
  otherEntries: 50,
  otherKey: 128,
  otherValue: 1024,
} as const;

/**
 * The API's timestamp forms: `YYYY-MM-DDTHH:MM:SS` with up to nine fraction digits, then `Z` or an
 * offset `±HH:MM` / `±HHMM` no larger than 18:00.
 */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|([+-])(\d{2}):?(\d{2}))$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** Every ASFF string has the pattern `.*\S.*`: not empty, not only blanks. */
const nonBlank = (v: unknown): v is string => typeof v === 'string' && /\S/.test(v);

export function checkTimestamp(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  if (m[3] !== undefined && Number(m[4]) * 60 + Number(m[5]) > 18 * 60) return false;
  return !Number.isNaN(Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')));
}

function str(
  errors: string[],
  path: string,
  value: unknown,
  opts: { required?: boolean; min?: number; max?: number; values?: readonly string[] } = {},
): void {
  if (value === undefined) {
    if (opts.required) errors.push(`${path}: required`);
    return;
  }
  if (!nonBlank(value)) {
    errors.push(`${path}: expected a non-blank string, found ${JSON.stringify(value)}`);
    return;
  }
  if (opts.min !== undefined && value.length < opts.min)
    errors.push(`${path}: shorter than ${opts.min}`);
  if (opts.max !== undefined && value.length > opts.max)
    errors.push(`${path}: ${value.length} characters, at most ${opts.max}`);
  if (opts.values && !opts.values.includes(value))
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${opts.values.join(', ')}`);
}

function checkTypes(errors: string[], path: string, value: unknown, required: boolean): void {
  if (value === undefined) {
    if (required) errors.push(`${path}: required`);
    return;
  }
  if (!Array.isArray(value) || value.length === 0) {
    errors.push(`${path}: expected a non-empty array`);
    return;
  }
  if (value.length > ASFF_DOC_LIMITS.types)
    errors.push(`${path}: ${value.length} types, at most ${ASFF_DOC_LIMITS.types}`);
  value.forEach((t, i) => {
    if (!nonBlank(t)) return errors.push(`${path}[${i}]: expected a string`);
    const parts = t.split('/');
    if (parts.length > 3 || parts.some((p) => p.trim() === ''))
      errors.push(`${path}[${i}]: "${t}" is not namespace[/category[/classifier]]`);
    else if (!NAMESPACES.includes(parts[0] as string))
      errors.push(`${path}[${i}]: namespace "${parts[0]}" is not one of ${NAMESPACES.join(', ')}`);
  });
}

function checkSeverity(errors: string[], path: string, value: unknown, required: boolean): void {
  if (value === undefined) {
    if (required) errors.push(`${path}: required`);
    return;
  }
  if (!isObject(value)) return void errors.push(`${path}: expected an object`);
  if (value.Label === undefined && value.Normalized === undefined)
    errors.push(`${path}: needs Label (or the deprecated Normalized)`);
  str(errors, `${path}.Label`, value.Label, { values: SEVERITY_LABELS });
  if (
    value.Normalized !== undefined &&
    !(
      Number.isInteger(value.Normalized) &&
      (value.Normalized as number) >= 0 &&
      (value.Normalized as number) <= 100
    )
  )
    errors.push(`${path}.Normalized: expected an integer 0..100`);
  str(errors, `${path}.Original`, value.Original);
}

function checkStringMap(
  errors: string[],
  path: string,
  value: unknown,
  limits: { entries: number; key: number; value: number },
): void {
  if (value === undefined) return;
  if (!isObject(value)) return void errors.push(`${path}: expected a string-to-string map`);
  const entries = Object.entries(value);
  if (entries.length > limits.entries)
    errors.push(`${path}: ${entries.length} entries, at most ${limits.entries}`);
  for (const [k, v] of entries) {
    if (k.length > limits.key)
      errors.push(`${path}: key "${k.slice(0, 40)}…" longer than ${limits.key}`);
    if (typeof v !== 'string')
      errors.push(`${path}.${k}: expected a string, found ${JSON.stringify(v)}`);
    else if (v.length > limits.value)
      errors.push(`${path}.${k}: ${v.length} characters, at most ${limits.value}`);
  }
}

function checkResources(errors: string[], path: string, value: unknown): void {
  if (value === undefined) return void errors.push(`${path}: required`);
  if (!Array.isArray(value) || value.length === 0)
    return void errors.push(`${path}: expected at least one resource`);
  if (value.length > ASFF_DOC_LIMITS.resources)
    errors.push(`${path}: ${value.length} resources, at most ${ASFF_DOC_LIMITS.resources}`);
  value.forEach((r, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(r)) return void errors.push(`${at}: expected an object`);
    str(errors, `${at}.Type`, r.Type, { required: true, max: ASFF_DOC_LIMITS.resourceType });
    str(errors, `${at}.Id`, r.Id, { required: true });
    str(errors, `${at}.Partition`, r.Partition, { values: PARTITIONS });
    str(errors, `${at}.Region`, r.Region, { max: ASFF_DOC_LIMITS.resourceRegion });
    if (r.Details !== undefined) {
      if (!isObject(r.Details)) errors.push(`${at}.Details: expected an object`);
      else
        checkStringMap(errors, `${at}.Details.Other`, r.Details.Other, {
          entries: ASFF_DOC_LIMITS.otherEntries,
          key: ASFF_DOC_LIMITS.otherKey - 1,
          value: ASFF_DOC_LIMITS.otherValue - 1,
        });
    }
    if (
      r.Type === 'AwsAccount' &&
      typeof r.Id === 'string' &&
      !/^AWS::::Account:\d{12}$/.test(r.Id)
    )
      errors.push(`${at}.Id: an AwsAccount resource is "AWS::::Account:<12 digits>"`);
  });
}

/** Problems with one ASFF finding. */
export function validateAsffFinding(f: unknown, path = 'finding'): string[] {
  const errors: string[] = [];
  if (!isObject(f)) return [`${path}: expected an object`];
  if (f.SchemaVersion !== '2018-10-08')
    errors.push(`${path}.SchemaVersion: ${JSON.stringify(f.SchemaVersion)}, expected "2018-10-08"`);
  str(errors, `${path}.Id`, f.Id, { required: true, max: ASFF_DOC_LIMITS.id });
  str(errors, `${path}.ProductArn`, f.ProductArn, {
    required: true,
    min: ASFF_DOC_LIMITS.productArnMin,
    max: ASFF_DOC_LIMITS.productArnMax,
  });
  if (
    typeof f.ProductArn === 'string' &&
    !/^arn:aws(-cn|-us-gov)?:securityhub:[a-z0-9-]+:\d{12}:product\/[^/\s]+\/[^/\s]+$/.test(
      f.ProductArn,
    )
  )
    errors.push(`${path}.ProductArn: "${f.ProductArn}" is not a Security Hub product ARN`);
  str(errors, `${path}.GeneratorId`, f.GeneratorId, {
    required: true,
    max: ASFF_DOC_LIMITS.generatorId,
  });
  if (typeof f.AwsAccountId !== 'string' || !/^\d{12}$/.test(f.AwsAccountId))
    errors.push(`${path}.AwsAccountId: ${JSON.stringify(f.AwsAccountId)} is not 12 digits`);
  checkTypes(errors, `${path}.Types`, f.Types, true);
  for (const k of ['CreatedAt', 'UpdatedAt'] as const)
    if (!checkTimestamp(f[k]))
      errors.push(`${path}.${k}: ${JSON.stringify(f[k])} is not an ASFF timestamp`);
  for (const k of ['FirstObservedAt', 'LastObservedAt'] as const)
    if (f[k] !== undefined && !checkTimestamp(f[k]))
      errors.push(`${path}.${k}: ${JSON.stringify(f[k])} is not an ASFF timestamp`);
  const order = (a: string, b: string) => {
    if (typeof f[a] === 'string' && typeof f[b] === 'string' && Date.parse(f[a]) > Date.parse(f[b]))
      errors.push(`${path}.${a} is later than ${b}`);
  };
  order('CreatedAt', 'UpdatedAt');
  order('FirstObservedAt', 'LastObservedAt');
  checkSeverity(errors, `${path}.Severity`, f.Severity, true);
  str(errors, `${path}.Title`, f.Title, { required: true, max: ASFF_DOC_LIMITS.title });
  str(errors, `${path}.Description`, f.Description, {
    required: true,
    max: ASFF_DOC_LIMITS.description,
  });
  checkResources(errors, `${path}.Resources`, f.Resources);
  checkStringMap(errors, `${path}.ProductFields`, f.ProductFields, {
    entries: ASFF_DOC_LIMITS.productFields,
    key: ASFF_DOC_LIMITS.productFieldKey,
    value: ASFF_DOC_LIMITS.productFieldValue,
  });
  if (f.Workflow !== undefined) {
    if (!isObject(f.Workflow)) errors.push(`${path}.Workflow: expected an object`);
    else str(errors, `${path}.Workflow.Status`, f.Workflow.Status, { values: WORKFLOW_STATUS });
  }
  str(errors, `${path}.RecordState`, f.RecordState, { values: RECORD_STATE });
  str(errors, `${path}.SourceUrl`, f.SourceUrl);
  str(errors, `${path}.ProductName`, f.ProductName);
  str(errors, `${path}.CompanyName`, f.CompanyName);
  if (f.Remediation !== undefined) {
    const rec = isObject(f.Remediation) ? f.Remediation.Recommendation : undefined;
    if (!isObject(rec)) errors.push(`${path}.Remediation.Recommendation: expected an object`);
    else {
      str(errors, `${path}.Remediation.Recommendation.Text`, rec.Text, {
        min: 1,
        max: ASFF_DOC_LIMITS.recommendationText,
      });
      str(errors, `${path}.Remediation.Recommendation.Url`, rec.Url);
    }
  }
  if (f.FindingProviderFields !== undefined) {
    const p = f.FindingProviderFields;
    if (!isObject(p)) errors.push(`${path}.FindingProviderFields: expected an object`);
    else {
      checkSeverity(errors, `${path}.FindingProviderFields.Severity`, p.Severity, false);
      checkTypes(errors, `${path}.FindingProviderFields.Types`, p.Types, false);
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(f));
  if (bytes > ASFF_DOC_LIMITS.findingBytes)
    errors.push(`${path}: ${bytes} bytes, at most ${ASFF_DOC_LIMITS.findingBytes}`);
  return errors;
}

/**
 * Problems with one `BatchImportFindings` body: its shape, the batch limits, every finding, and that
 * one account in one region can send it (the default product ARN is the caller's own).
 */
export function validateBatch(body: unknown): string[] {
  if (!isObject(body)) return ['body: expected an object'];
  const errors: string[] = [];
  for (const k of Object.keys(body))
    if (k !== 'Findings') errors.push(`body.${k}: not a request field`);
  const findings = body.Findings;
  if (!Array.isArray(findings) || findings.length === 0)
    return [...errors, 'body.Findings: expected a non-empty array'];
  if (findings.length > ASFF_DOC_LIMITS.findingsPerBatch)
    errors.push(
      `body.Findings: ${findings.length} findings, at most ${ASFF_DOC_LIMITS.findingsPerBatch}`,
    );
  const bytes = Buffer.byteLength(JSON.stringify(body));
  if (bytes > ASFF_DOC_LIMITS.batchBytes)
    errors.push(`body: ${bytes} bytes, at most ${ASFF_DOC_LIMITS.batchBytes}`);
  findings.forEach((f, i) => errors.push(...validateAsffFinding(f, `Findings[${i}]`)));
  const senders = new Set(
    findings.filter(isObject).map((f) => `${String(f.AwsAccountId)} ${String(f.ProductArn)}`),
  );
  if (senders.size > 1)
    errors.push(`body.Findings: ${senders.size} account/product ARN pairs; one call sends one`);
  for (const f of findings.filter(isObject)) {
    const arn = typeof f.ProductArn === 'string' ? f.ProductArn.split(':') : [];
    if (arn[4] !== undefined && arn[4] !== f.AwsAccountId)
      errors.push(
        `Findings: ProductArn account ${arn[4]} is not AwsAccountId ${String(f.AwsAccountId)}`,
      );
  }
  return errors;
}
