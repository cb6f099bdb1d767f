import { useState, type FormEvent } from 'react';
import { client } from '../api';
import { Empty, ErrorBox, Field, Loading, useLoad } from '../components/ui';
import { bytes, dateTime } from '../lib/format';
import { formErrors } from '../lib/errors';
import { useWorkspace } from '../context';

const GIB = 1024 ** 3;

export function GpuTypes() {
  const ws = useWorkspace();
  const types = useLoad(() => client.gpuTypes(), []);
  const [name, setName] = useState('');
  const [memory, setMemory] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!name.trim()) {
      local.name = 'Enter the GPU model name as nodes report it, e.g. NVIDIA H100 80GB HBM3.';
    }
    const gib = Number(memory);
    if (!memory.trim() || !Number.isFinite(gib) || gib <= 0) {
      local.memoryBytes = 'Enter the memory in GiB, e.g. 80.';
    }
    setErrors(local);
    setGeneral(null);
    if (Object.keys(local).length > 0) {
      return;
    }
    setBusy(true);
    try {
      await client.createGpuType(name.trim(), Math.round(gib * GIB));
      setName('');
      setMemory('');
      void types.reload();
    } catch (err) {
      const mapped = formErrors(err, ['name', 'memoryBytes']);
      setErrors(mapped.fields);
      setGeneral(mapped.general);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="gpu-types-title">
      <div className="page-head">
        <div>
          <h1 id="gpu-types-title">GPU types</h1>
          <p className="muted">
            The catalog deployments choose from; a node's GPU is of a type when every word of the type's name is in the name its driver reports.
            {!ws.me.operator && ' Only operators add types.'}
          </p>
        </div>
      </div>
      {ws.me.operator && (
        <form className="card" onSubmit={submit} noValidate aria-labelledby="new-gpu-type">
          <h2 className="h2" id="new-gpu-type">
            Add a GPU type
          </h2>
          <div className="grid">
            <Field id="gpu-name" label="GPU type name" error={errors.name}>
              {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />}
            </Field>
            <Field id="gpu-memory" label="Memory (GiB)" error={errors.memoryBytes}>
              {(p) => <input {...p} type="number" min={1} step="any" value={memory} onChange={(e) => setMemory(e.target.value)} />}
            </Field>
          </div>
          {general && <ErrorBox error={general} />}
          <button type="submit" disabled={busy}>
            {busy ? 'Adding…' : 'Add GPU type'}
          </button>
        </form>
      )}
      {types.error && <ErrorBox error={types.error} title="GPU types could not be loaded." onRetry={() => void types.reload()} />}
      {!types.data && !types.error && <Loading what="GPU types" />}
      {types.data && types.data.length === 0 && <Empty title="No GPU types yet" />}
      {types.data && types.data.length > 0 && (
        <div className="table-wrap card flush">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Memory</th>
                <th scope="col">Added</th>
              </tr>
            </thead>
            <tbody>
              {types.data.map((t) => (
                <tr key={t.id}>
                  <td className="strong">{t.name}</td>
                  <td>{bytes(t.memoryBytes)}</td>
                  <td>{dateTime(t.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
