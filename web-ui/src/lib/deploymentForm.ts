import type { Deployment, DeploymentRequest } from '../api';

/** The editable settings of a deployment as the form holds them (text, as typed). */
export interface SettingsForm {
  name: string;
  instances: string;
  resourceType: string;
  gpuType: string;
  gpusPerInstance: string;
  evaluationStrategy: string;
  evaluationThreshold: string;
  maxBatchSize: string;
  maxQueueDelayMs: string;
  maxQueue: string;
  timeoutMs: string;
  rateLimitPerSecond: string;
  region: string;
}

export const SETTINGS_FIELDS: readonly (keyof SettingsForm)[] = [
  'name',
  'instances',
  'resourceType',
  'gpuType',
  'gpusPerInstance',
  'evaluationStrategy',
  'evaluationThreshold',
  'maxBatchSize',
  'maxQueueDelayMs',
  'maxQueue',
  'timeoutMs',
  'rateLimitPerSecond',
  'region',
];

export const NEW_DEPLOYMENT: SettingsForm = {
  name: '',
  instances: '1',
  resourceType: 'CPU',
  gpuType: '',
  gpusPerInstance: '0',
  evaluationStrategy: 'entropy',
  evaluationThreshold: '0.5',
  maxBatchSize: '1',
  maxQueueDelayMs: '0',
  maxQueue: '64',
  timeoutMs: '30000',
  rateLimitPerSecond: '',
  region: '',
};

export function formOf(d: Deployment): SettingsForm {
  return {
    name: d.name,
    instances: String(d.instances),
    resourceType: d.resourceType,
    gpuType: d.gpuType ?? '',
    gpusPerInstance: String(d.gpusPerInstance),
    evaluationStrategy: d.evaluationStrategy,
    evaluationThreshold: String(d.evaluationThreshold),
    maxBatchSize: String(d.maxBatchSize),
    maxQueueDelayMs: String(d.maxQueueDelayMs),
    maxQueue: String(d.maxQueue),
    timeoutMs: String(d.timeoutMs),
    rateLimitPerSecond: d.rateLimitPerSecond === null ? '' : String(d.rateLimitPerSecond),
    region: d.region ?? '',
  };
}

const INTEGER_FIELDS: (keyof SettingsForm)[] = ['instances', 'gpusPerInstance', 'maxBatchSize', 'maxQueueDelayMs', 'maxQueue', 'timeoutMs', 'rateLimitPerSecond'];

/** What the browser can tell before asking the API; the API's 400 details cover the rest (ranges, GPU types). */
export function checkForm(form: SettingsForm): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!form.name.trim()) {
    errors.name = 'Give the deployment a name.';
  }
  for (const f of INTEGER_FIELDS) {
    const v = form[f].trim();
    if (v !== '' && !/^-?\d+$/.test(v)) {
      errors[f] = 'Enter a whole number.';
    }
  }
  const t = form.evaluationThreshold.trim();
  if (t !== '' && !Number.isFinite(Number(t))) {
    errors.evaluationThreshold = 'Enter a number between 0 and 1.';
  }
  return errors;
}

/**
 * The request body for create (every field the user filled in) or, given the current deployment, for PATCH
 * (only what changed; an emptied GPU type, region or rate limit clears it with "" or 0 as the API expects).
 */
export function toRequest(form: SettingsForm, current?: Deployment): DeploymentRequest {
  const all: DeploymentRequest = {
    name: form.name.trim(),
    instances: int(form.instances),
    resourceType: form.resourceType,
    evaluationStrategy: form.evaluationStrategy,
    evaluationThreshold: num(form.evaluationThreshold),
    maxBatchSize: int(form.maxBatchSize),
    maxQueueDelayMs: int(form.maxQueueDelayMs),
    maxQueue: int(form.maxQueue),
    timeoutMs: int(form.timeoutMs),
  };
  if (form.resourceType === 'GPU') {
    all.gpusPerInstance = int(form.gpusPerInstance);
    if (form.gpuType.trim() || current) {
      all.gpuType = form.gpuType.trim();
    }
  } else if (current && current.resourceType === 'GPU') {
    all.gpusPerInstance = 0;
    all.gpuType = '';
  }
  if (form.rateLimitPerSecond.trim()) {
    all.rateLimitPerSecond = int(form.rateLimitPerSecond);
  } else if (current && current.rateLimitPerSecond !== null) {
    all.rateLimitPerSecond = 0;
  }
  if (form.region.trim() || (current && current.region)) {
    all.region = form.region.trim();
  }
  for (const key of Object.keys(all) as (keyof DeploymentRequest)[]) {
    if (all[key] === undefined) {
      delete all[key];
    }
  }
  if (!current) {
    return all;
  }
  const changed: DeploymentRequest = {};
  const before = current as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(all)) {
    const old = before[key];
    const same = value === old || (value === '' && (old === null || old === undefined)) || (value === 0 && old === null && key === 'rateLimitPerSecond');
    if (!same) {
      (changed as Record<string, unknown>)[key] = value;
    }
  }
  return changed;
}

function int(v: string): number | undefined {
  const t = v.trim();
  return t === '' ? undefined : Number.parseInt(t, 10);
}

function num(v: string): number | undefined {
  const t = v.trim();
  return t === '' ? undefined : Number(t);
}
