import type { GpuType } from '../api';
import type { SettingsForm } from '../lib/deploymentForm';
import { Field } from './ui';

/** The deployment settings fields shared by create and Configuration, each with its error next to it. */
export function SettingsFields({
  idPrefix,
  form,
  errors,
  gpuTypes,
  onChange,
}: {
  idPrefix: string;
  form: SettingsForm;
  errors: Record<string, string>;
  gpuTypes: GpuType[] | null;
  onChange: (next: SettingsForm) => void;
}) {
  const set = (key: keyof SettingsForm) => (e: { target: { value: string } }) => {
    const next = { ...form, [key]: e.target.value };
    if (key === 'resourceType') {
      next.gpusPerInstance = e.target.value === 'GPU' ? (form.gpusPerInstance === '0' ? '1' : form.gpusPerInstance) : '0';
      if (e.target.value !== 'GPU') {
        next.gpuType = '';
      }
    }
    onChange(next);
  };
  const id = (key: string) => `${idPrefix}-${key}`;
  const gpu = form.resourceType === 'GPU';
  return (
    <>
      <fieldset className="group">
        <legend>Deployment</legend>
        <div className="grid">
          <Field id={id('name')} label="Name" error={errors.name} hint="Shown in the dashboard and the logs; 1 to 100 characters.">
            {(p) => <input {...p} value={form.name} onChange={set('name')} autoComplete="off" />}
          </Field>
          <Field id={id('instances')} label="Instances" error={errors.instances} hint="How many copies serve requests (0 to 64).">
            {(p) => <input {...p} type="number" min={0} max={64} value={form.instances} onChange={set('instances')} />}
          </Field>
        </div>
      </fieldset>
      <fieldset className="group">
        <legend>Resources</legend>
        <div className="grid">
          <Field id={id('resourceType')} label="Resource type" error={errors.resourceType}>
            {(p) => (
              <select {...p} value={form.resourceType} onChange={set('resourceType')}>
                <option value="CPU">CPU</option>
                <option value="GPU">GPU</option>
              </select>
            )}
          </Field>
          <Field
            id={id('gpuType')}
            label="GPU type"
            error={errors.gpuType}
            hint={gpu ? 'Any type when left empty.' : 'Only for GPU deployments.'}
          >
            {(p) =>
              gpuTypes && gpuTypes.length > 0 ? (
                <select {...p} value={form.gpuType} onChange={set('gpuType')} disabled={!gpu}>
                  <option value="">Any</option>
                  {gpuTypes.map((g) => (
                    <option key={g.id} value={g.name}>
                      {g.name}
                    </option>
                  ))}
                  {form.gpuType && !gpuTypes.some((g) => g.name === form.gpuType) && <option value={form.gpuType}>{form.gpuType}</option>}
                </select>
              ) : (
                <input {...p} value={form.gpuType} onChange={set('gpuType')} disabled={!gpu} placeholder="e.g. H100" />
              )
            }
          </Field>
          <Field id={id('gpusPerInstance')} label="GPUs per instance" error={errors.gpusPerInstance}>
            {(p) => (
              <input {...p} type="number" min={0} max={16} value={form.gpusPerInstance} onChange={set('gpusPerInstance')} disabled={!gpu} />
            )}
          </Field>
          <Field id={id('region')} label="Region" error={errors.region} hint="Optional; instances only go to nodes of this region.">
            {(p) => <input {...p} value={form.region} onChange={set('region')} autoComplete="off" />}
          </Field>
        </div>
      </fieldset>
      <fieldset className="group">
        <legend>Evaluation</legend>
        <div className="grid">
          <Field id={id('evaluationStrategy')} label="Evaluation strategy" error={errors.evaluationStrategy} hint="How ActiveLearning scores uncertainty.">
            {(p) => (
              <select {...p} value={form.evaluationStrategy} onChange={set('evaluationStrategy')}>
                <option value="entropy">Entropy</option>
                <option value="least_confidence">Least confidence</option>
                <option value="margin">Margin</option>
              </select>
            )}
          </Field>
          <Field id={id('evaluationThreshold')} label="Evaluation threshold" error={errors.evaluationThreshold} hint="0 to 1; above it a prediction is flagged for review.">
            {(p) => (
              <input {...p} type="number" min={0} max={1} step={0.01} value={form.evaluationThreshold} onChange={set('evaluationThreshold')} />
            )}
          </Field>
        </div>
      </fieldset>
      <fieldset className="group">
        <legend>Batching and limits</legend>
        <div className="grid">
          <Field id={id('maxBatchSize')} label="Max batch size" error={errors.maxBatchSize} hint="Requests run together when the model has a dynamic batch dimension.">
            {(p) => <input {...p} type="number" min={1} value={form.maxBatchSize} onChange={set('maxBatchSize')} />}
          </Field>
          <Field id={id('maxQueueDelayMs')} label="Max queue delay (ms)" error={errors.maxQueueDelayMs} hint="How long a request may wait for a batch to fill.">
            {(p) => <input {...p} type="number" min={0} value={form.maxQueueDelayMs} onChange={set('maxQueueDelayMs')} />}
          </Field>
          <Field id={id('maxQueue')} label="Max queue length" error={errors.maxQueue}>
            {(p) => <input {...p} type="number" min={1} value={form.maxQueue} onChange={set('maxQueue')} />}
          </Field>
          <Field id={id('timeoutMs')} label="Timeout (ms)" error={errors.timeoutMs}>
            {(p) => <input {...p} type="number" min={1} value={form.timeoutMs} onChange={set('timeoutMs')} />}
          </Field>
          <Field id={id('rateLimitPerSecond')} label="Rate limit (requests/s)" error={errors.rateLimitPerSecond} hint="Shared by all keys calling this deployment; empty: none (each key keeps its own).">
            {(p) => <input {...p} type="number" min={0} value={form.rateLimitPerSecond} onChange={set('rateLimitPerSecond')} />}
          </Field>
        </div>
      </fieldset>
    </>
  );
}
