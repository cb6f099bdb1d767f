import { useState, type FormEvent } from 'react';
import { ApiError, client, uploadModelVersion, type Model, type ModelVersion } from '../api';
import { SettingsFields } from '../components/SettingsFields';
import { ErrorBox, Field, useLoad } from '../components/ui';
import { bytes } from '../lib/format';
import { formErrors } from '../lib/errors';
import { NEW_DEPLOYMENT, SETTINGS_FIELDS, checkForm, toRequest, type SettingsForm } from '../lib/deploymentForm';
import { href, navigate } from '../router';

type Stage = { kind: 'idle' } | { kind: 'uploading'; fraction: number } | { kind: 'checking' } | { kind: 'creating' };

const MODEL_FIELDS = ['file', 'versionTag', 'modelVersionId'] as const;

/** A model name from a file name: "ssdlite320_mobilenet_v3.onnx" → "ssdlite320_mobilenet_v3". */
export function modelNameOf(fileName: string): string {
  return fileName.replace(/\.onnx$/i, '').trim().slice(0, 200) || 'model';
}

export function CreateDeployment({ projectId }: { projectId: string }) {
  const models = useLoad(() => client.models(projectId), [projectId]);
  const gpuTypes = useLoad(() => client.gpuTypes(), []);
  const [form, setForm] = useState<SettingsForm>(NEW_DEPLOYMENT);
  const [file, setFile] = useState<File | null>(null);
  const [versionTag, setVersionTag] = useState('');
  const [existing, setExisting] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  // An upload that worked is kept, so fixing a deployment field does not upload the model again.
  const [uploaded, setUploaded] = useState<{ file: File; version: ModelVersion } | null>(null);

  const versions = (models.data ?? []).flatMap((m) => (m.versions ?? []).map((v) => ({ model: m, version: v })));

  const chooseFile = (f: File | null) => {
    setFile(f);
    if (f) {
      setExisting('');
      if (!form.name) {
        setForm({ ...form, name: modelNameOf(f.name).replace(/_/g, '-') });
      }
    }
  };

  // Looks first, so the usual case (a new version of a known model) makes no failing request.
  const findOrCreateModel = async (name: string): Promise<Model> => {
    const known = (await client.models(projectId)).find((m) => m.name === name);
    if (known) {
      return known;
    }
    try {
      return await client.createModel(projectId, name);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        const found = (await client.models(projectId)).find((m) => m.name === name);
        if (found) {
          return found;
        }
      }
      throw e;
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setGeneral(null);
    const local = checkForm(form);
    if (!file && !existing) {
      local.file = 'Choose an ONNX file to upload, or pick an existing model version below.';
    }
    if (file && !/\.onnx$/i.test(file.name)) {
      local.file = 'The file must be an ONNX model (.onnx).';
    }
    setErrors(local);
    if (Object.keys(local).length > 0) {
      document.getElementById(`create-${Object.keys(local)[0]}`)?.focus();
      return;
    }
    let versionId = existing;
    let phase: 'model' | 'deployment' = 'model';
    try {
      if (file) {
        if (uploaded && uploaded.file === file) {
          versionId = uploaded.version.id;
        } else {
          setStage({ kind: 'uploading', fraction: 0 });
          const model = await findOrCreateModel(modelNameOf(file.name));
          const version = await uploadModelVersion(model.id, file, versionTag, (fraction) =>
            setStage(fraction >= 1 ? { kind: 'checking' } : { kind: 'uploading', fraction }),
          );
          setUploaded({ file, version });
          versionId = version.id;
          void models.reload();
        }
      }
      phase = 'deployment';
      setStage({ kind: 'creating' });
      const created = await client.createDeployment(projectId, { ...toRequest(form), modelVersionId: versionId });
      navigate(`/deployments/${created.id}/overview`);
    } catch (e) {
      const mapped = formErrors(e, [...SETTINGS_FIELDS, ...MODEL_FIELDS], { name: phase === 'model' ? 'file' : 'name' });
      // A 400 while creating the model is about the name taken from the file; one from the deployment is about its own.
      setErrors(mapped.fields);
      setGeneral(mapped.general);
      setStage({ kind: 'idle' });
      const first = Object.keys(mapped.fields)[0];
      if (first) {
        document.getElementById(`create-${first}`)?.focus();
      }
    }
  };

  const busy = stage.kind !== 'idle';
  return (
    <section aria-labelledby="create-title" className="narrow">
      <p className="crumbs">
        <a href={href('/')}>Deployment list</a> / New
      </p>
      <h1 id="create-title">New deployment</h1>
      <form onSubmit={submit} noValidate>
        <fieldset className="group" disabled={busy}>
          <legend>Model</legend>
          <div className="grid">
            <Field
              id="create-file"
              label="Model file"
              error={errors.file}
              hint={
                file
                  ? `${bytes(file.size)} · becomes a version of model “${modelNameOf(file.name)}”${uploaded?.file === file ? ' · uploaded' : ''}`
                  : 'An .onnx file; inputs, outputs and labels are read from it.'
              }
            >
              {(p) => (
                <input {...p} type="file" accept=".onnx,application/octet-stream" onChange={(e) => chooseFile(e.target.files?.[0] ?? null)} />
              )}
            </Field>
            <Field id="create-versionTag" label="Version tag" error={errors.versionTag} hint="For an uploaded file; v1, v2, … when empty.">
              {(p) => <input {...p} value={versionTag} onChange={(e) => setVersionTag(e.target.value)} autoComplete="off" />}
            </Field>
            <Field
              id="create-modelVersionId"
              label="Existing model version"
              error={errors.modelVersionId}
              hint={models.error ? `Versions could not be loaded: ${models.error.message}` : 'Or deploy a version uploaded before.'}
            >
              {(p) => (
                <select
                  {...p}
                  value={existing}
                  onChange={(e) => {
                    setExisting(e.target.value);
                    if (e.target.value) {
                      setFile(null);
                      const input = document.getElementById('create-file') as HTMLInputElement | null;
                      if (input) {
                        input.value = '';
                      }
                    }
                  }}
                >
                  <option value="">{models.loading && !models.data ? 'Loading…' : '— none (upload a file) —'}</option>
                  {versions.map(({ model, version }) => (
                    <option key={version.id} value={version.id}>
                      {model.name} · {version.versionTag} ({model.task})
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          {stage.kind === 'uploading' && (
            <div className="progress-row">
              <progress
                role="progressbar"
                aria-label="Upload progress"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(stage.fraction * 100)}
                max={100}
                value={Math.round(stage.fraction * 100)}
              />
              <span>Uploading {Math.round(stage.fraction * 100)}%</span>
            </div>
          )}
          {stage.kind === 'checking' && (
            <div className="progress-row">
              <progress role="progressbar" aria-label="Upload progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={100} max={100} value={100} />
              <span>Uploaded; Kiln loads the model once to check it…</span>
            </div>
          )}
        </fieldset>
        <fieldset disabled={busy} className="plain">
          <SettingsFields idPrefix="create" form={form} errors={errors} gpuTypes={gpuTypes.data} onChange={setForm} />
        </fieldset>
        {general && <ErrorBox error={general} title="The deployment was not created." />}
        <div className="actions">
          <button type="submit" disabled={busy}>
            {stage.kind === 'creating' ? 'Creating…' : busy ? 'Uploading…' : 'Create deployment'}
          </button>
          <a className="button secondary" href={href('/')}>
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
