import { describe, expect, it } from 'vitest';
import type { Deployment } from '../api';
import { NEW_DEPLOYMENT, checkForm, formOf, toRequest } from './deploymentForm';

const deployment: Deployment = {
  id: 'd1',
  projectId: 'p1',
  name: 'detector',
  modelVersionId: 'v1',
  versionTag: 'v1',
  status: 'ONLINE',
  statusReason: null,
  instances: 2,
  readyInstances: 2,
  resourceType: 'CPU',
  gpuType: null,
  gpusPerInstance: 0,
  region: null,
  evaluationStrategy: 'entropy',
  evaluationThreshold: 0.5,
  maxBatchSize: 1,
  maxQueueDelayMs: 0,
  maxQueue: 64,
  timeoutMs: 30000,
  rateLimitPerSecond: null,
  generation: 1,
  createdAt: '',
  updatedAt: '',
};

describe('the deployment form', () => {
  it('asks for a name and whole numbers before calling the API', () => {
    expect(checkForm({ ...NEW_DEPLOYMENT, instances: '1.5' })).toEqual({ name: 'Give the deployment a name.', instances: 'Enter a whole number.' });
    expect(checkForm({ ...NEW_DEPLOYMENT, name: 'ok' })).toEqual({});
  });

  it('sends GPU settings only for a GPU deployment', () => {
    const cpu = toRequest({ ...NEW_DEPLOYMENT, name: 'a' });
    expect(cpu).not.toHaveProperty('gpusPerInstance');
    expect(cpu).not.toHaveProperty('gpuType');
    expect(toRequest({ ...NEW_DEPLOYMENT, name: 'a', resourceType: 'GPU', gpusPerInstance: '2', gpuType: 'H100' })).toMatchObject({
      resourceType: 'GPU',
      gpusPerInstance: 2,
      gpuType: 'H100',
    });
  });

  it('patches only the fields that changed', () => {
    const form = { ...formOf(deployment), instances: '3', maxBatchSize: '8' };
    expect(toRequest(form, deployment)).toEqual({ instances: 3, maxBatchSize: 8 });
    expect(toRequest(formOf(deployment), deployment)).toEqual({});
  });

  it('clears a rate limit with 0 and leaves GPU with gpusPerInstance 0 and an empty type', () => {
    const limited = { ...deployment, rateLimitPerSecond: 10, resourceType: 'GPU', gpusPerInstance: 1, gpuType: 'H100' };
    const form = { ...formOf(limited), rateLimitPerSecond: '', resourceType: 'CPU', gpusPerInstance: '0', gpuType: '' };
    expect(toRequest(form, limited)).toEqual({ rateLimitPerSecond: 0, resourceType: 'CPU', gpusPerInstance: 0, gpuType: '' });
  });
});
