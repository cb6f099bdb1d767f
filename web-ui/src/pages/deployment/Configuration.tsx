import { useState, type FormEvent } from 'react';
import { client, type Deployment, type Instance } from '../../api';
import { SettingsFields } from '../../components/SettingsFields';
import { ErrorBox, Field, useLoad } from '../../components/ui';
import { formErrors } from '../../lib/errors';
import { SETTINGS_FIELDS, checkForm, formOf, toRequest } from '../../lib/deploymentForm';

export function Configuration({
  d,
  instances,
  canWrite,
  onSaved,
}: {
  d: Deployment;
  instances: Instance[] | null;
  canWrite: boolean;
  onSaved: () => void;
}) {
  const gpuTypes = useLoad(() => client.gpuTypes(), []);
  const models = useLoad(() => client.models(d.projectId), [d.projectId]);
  const [form, setForm] = useState(() => formOf(d));
  const [versionId, setVersionId] = useState(d.modelVersionId);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const changes = { ...toRequest(form, d), ...(versionId !== d.modelVersionId ? { modelVersionId: versionId } : {}) };
  const dirty = Object.keys(changes).length > 0;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    setGeneral(null);
    const local = checkForm(form);
    setErrors(local);
    if (Object.keys(local).length > 0) {
      return;
    }
    setBusy(true);
    try {
      const updated = await client.updateDeployment(d.id, changes);
      setForm(formOf(updated));
      setVersionId(updated.modelVersionId);
      setSaved(`Applied: ${Object.keys(changes).join(', ')}. Changes that need new instances start them before the old ones drain.`);
      onSaved();
    } catch (err) {
      const mapped = formErrors(err, [...SETTINGS_FIELDS, 'modelVersionId']);
      setErrors(mapped.fields);
      setGeneral(mapped.general);
    } finally {
      setBusy(false);
    }
  };

  const versions = (models.data ?? []).flatMap((m) => (m.versions ?? []).map((v) => ({ model: m, version: v })));
  return (
    <div className="stack">
      <Rollout d={d} instances={instances} />
      <form onSubmit={submit} noValidate className="narrow">
        <fieldset disabled={!canWrite || busy} className="plain">
          <fieldset className="group">
            <legend>Model</legend>
            <Field id="config-modelVersionId" label="Model version" error={errors.modelVersionId} hint="Changing it rolls out the new version.">
              {(p) => (
                <select {...p} value={versionId} onChange={(e) => setVersionId(e.target.value)}>
                  {!versions.some((v) => v.version.id === d.modelVersionId) && <option value={d.modelVersionId}>{d.versionTag ?? d.modelVersionId}</option>}
                  {versions.map(({ model, version }) => (
                    <option key={version.id} value={version.id}>
                      {model.name} · {version.versionTag}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </fieldset>
          <SettingsFields idPrefix="config" form={form} errors={errors} gpuTypes={gpuTypes.data} onChange={setForm} />
        </fieldset>
        {!canWrite && <p className="muted">Your role can only read this deployment's configuration.</p>}
        {general && <ErrorBox error={general} title="Not applied." />}
        {saved && (
          <p className="success" role="status">
            {saved}
          </p>
        )}
        {canWrite && (
          <div className="actions">
            <button type="submit" disabled={!dirty || busy}>
              {busy ? 'Applying…' : 'Apply changes'}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={!dirty || busy}
              onClick={() => {
                setForm(formOf(d));
                setVersionId(d.modelVersionId);
                setErrors({});
                setGeneral(null);
              }}
            >
              Discard
            </button>
            <span className="muted">{dirty ? `Changed: ${Object.keys(changes).join(', ')}` : 'No changes'}</span>
          </div>
        )}
      </form>
    </div>
  );
}

/** Progress of the latest change: instances of the current generation ready vs asked; older ones draining. */
export function rolloutOf(d: Deployment, instances: Instance[]) {
  const current = instances.filter((i) => i.generation === d.generation);
  const old = instances.filter((i) => i.generation !== d.generation && i.status !== 'FAILED' && i.status !== 'LOST');
  const ready = current.filter((i) => i.status === 'READY').length;
  return { ready, desired: d.instances, old: old.length, done: ready >= d.instances && old.length === 0 };
}

function Rollout({ d, instances }: { d: Deployment; instances: Instance[] | null }) {
  if (!instances) {
    return null;
  }
  const r = rolloutOf(d, instances);
  const fraction = r.desired === 0 ? 1 : Math.min(1, r.ready / r.desired);
  return (
    <div className="card rollout" aria-live="polite">
      <div className="rollout-head">
        <strong>{r.done ? 'Configuration is live' : 'Rolling out'}</strong>
        <span className="muted">
          config #{d.generation} · {r.ready}/{r.desired} new instances ready{r.old > 0 ? ` · ${r.old} previous still serving or draining` : ''}
        </span>
      </div>
      <progress aria-label="Rollout progress" max={100} value={Math.round(fraction * 100)} />
    </div>
  );
}
