import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Drawing, RoutineFields } from './pages/deployment/Evaluation';
import { useState } from 'react';
import { NEW_ROUTINE_FORM, buildRoutines, type RoutineForm } from './lib/routines';
import { Actions } from './pages/deployment/Actions';
import { Connection } from './pages/deployment/Connection';
import { CreateDeployment } from './pages/CreateDeployment';
import type { Deployment } from './api';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const deployment = { id: 'd1', projectId: 'p1', name: 'detector', status: 'ONLINE' } as Deployment;

const result = {
  image: { width: 100, height: 50 },
  predictions: [0.95, 0.6, 0.3].map((confidence, i) => ({
    annotationId: i,
    bound: [
      [0.1, 0.1],
      [0.4, 0.8],
    ],
    boundType: 'rectangle',
    confidence,
    tag: { id: i, name: `c${i}` },
  })),
};

describe('the routine fields', () => {
  function Harness({ onForm }: { onForm: (form: RoutineForm) => void }) {
    const [form, setForm] = useState(NEW_ROUTINE_FORM);
    return (
      <RoutineFields
        form={form}
        problems={{}}
        onChange={(next) => {
          setForm(next);
          onForm(next);
        }}
      />
    );
  }

  it('shows the arguments of a checked routine and builds Histogram ranges and FilterClass from what was typed', () => {
    let form = NEW_ROUTINE_FORM;
    render(<Harness onForm={(next) => (form = next)} />);
    expect(screen.queryByLabelText('Classes to keep')).toBeNull();

    fireEvent.click(screen.getByLabelText(/^FilterClass/));
    fireEvent.change(screen.getByLabelText('Classes to keep'), { target: { value: 'cat, dog' } });
    fireEvent.click(screen.getByLabelText(/^Histogram/));
    expect(screen.getByLabelText('Number of bins (1 to 100)')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Ranges'));
    fireEvent.change(screen.getByLabelText('Upper bounds'), { target: { value: '0.4, 1' } });

    expect(buildRoutines(form)).toEqual({
      ok: true,
      routines: [
        { name: 'FilterClass', args: { class_name: ['cat', 'dog'] } },
        { name: 'Histogram', args: { ranges: [0.4, 1] } },
      ],
    });
  });
});

describe('the evaluation drawing', () => {
  it('draws one annotation per prediction at or above the confidence threshold', () => {
    const { rerender } = render(<Drawing image="data:image/png;base64,AA==" result={result} threshold={0.5} />);
    expect(screen.getAllByTestId('annotation')).toHaveLength(2);
    expect(screen.getByText('2 of 3 predictions drawn (confidence ≥ 0.50)')).toBeTruthy();

    rerender(<Drawing image="data:image/png;base64,AA==" result={result} threshold={0.9} />);
    expect(screen.getAllByTestId('annotation')).toHaveLength(1);

    rerender(<Drawing image="data:image/png;base64,AA==" result={result} threshold={0} />);
    expect(screen.getAllByTestId('annotation')).toHaveLength(3);
  });

  it('sizes the canvas to the image the API measured', () => {
    render(<Drawing image="data:image/png;base64,AA==" result={result} threshold={0.5} />);
    expect(screen.getByTestId('evaluation-canvas').getAttribute('viewBox')).toBe('0 0 100 50');
  });
});

describe('deleting a deployment', () => {
  it('keeps the delete button disabled until the exact name is typed', () => {
    render(<Actions d={deployment} canWrite />);
    const button = screen.getByRole('button', { name: 'Delete deployment' }) as HTMLButtonElement;
    const field = screen.getByLabelText('Type the deployment name to confirm');
    expect(button.disabled).toBe(true);
    fireEvent.change(field, { target: { value: 'detecto' } });
    expect(button.disabled).toBe(true);
    fireEvent.change(field, { target: { value: 'detector' } });
    expect(button.disabled).toBe(false);
  });
});

describe('the client code', () => {
  it('shows the url variant of the chosen language when Image URL is toggled', async () => {
    const snippets = { predictUrl: 'http://gw/d1/predict', curl: 'curl base64 program', python: 'python base64 program', urlVariants: { curl: 'curl url program', python: 'python url program' } };
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(snippets), { status: 200 })));
    render(<Connection d={deployment} />);

    expect((await screen.findByTestId('snippet-curl')).textContent).toBe('curl base64 program');
    fireEvent.click(screen.getByRole('button', { name: 'Image URL' }));
    expect(screen.getByTestId('snippet-curl').textContent).toBe('curl url program');
    fireEvent.click(screen.getByRole('button', { name: 'Python' }));
    expect(screen.getByTestId('snippet-python').textContent).toBe('python url program');
    fireEvent.click(screen.getByRole('button', { name: 'Image file (base64)' }));
    expect(screen.getByTestId('snippet-python').textContent).toBe('python base64 program');
  });
});

describe('creating a deployment', () => {
  it('shows the API validation messages next to their fields, linked by aria-describedby', async () => {
    const models = [{ id: 'm1', projectId: 'p1', name: 'ssd', task: 'object_detection', description: null, createdAt: '', versions: [{ id: 'v1', modelId: 'm1', versionTag: 'v1', sha256: '', sizeBytes: 1, createdAt: '' }] }];
    const bodies: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        if (url.endsWith('/models')) {
          return new Response(JSON.stringify(models), { status: 200 });
        }
        if (url === '/api/v1/gpu-types') {
          return new Response('[]', { status: 200 });
        }
        bodies.push(JSON.parse(init.body as string));
        return new Response(
          JSON.stringify({
            status: 400,
            error: 'BadRequest',
            message: 'The deployment is not valid.',
            detail: [{ loc: ['body', 'instances'], msg: 'must be 0 to 64', type: 'value_error' }],
          }),
          { status: 400 },
        );
      }),
    );
    render(<CreateDeployment projectId="p1" />);
    await waitFor(() => expect(screen.getByRole('option', { name: 'ssd · v1 (object_detection)' })).toBeTruthy());

    fireEvent.change(screen.getByLabelText('Existing model version'), { target: { value: 'v1' } });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'detector' } });
    fireEvent.change(screen.getByLabelText('Instances'), { target: { value: '99' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create deployment' }));

    const message = await screen.findByText('must be 0 to 64');
    const instances = screen.getByLabelText('Instances');
    expect(instances.getAttribute('aria-describedby')).toContain(message.id);
    expect(instances.getAttribute('aria-invalid')).toBe('true');
    expect(bodies[0]).toMatchObject({ name: 'detector', instances: 99, modelVersionId: 'v1' });
  });

  it('asks for a model before calling the API', async () => {
    const fetch = vi.fn(async (_url: string) => new Response('[]', { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    render(<CreateDeployment projectId="p1" />);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'detector' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create deployment' }));

    expect(await screen.findByText(/Choose an ONNX file to upload/)).toBeTruthy();
    expect(fetch.mock.calls.every((c) => String(c[0]).startsWith('/api/v1/projects/p1/models') || c[0] === '/api/v1/gpu-types')).toBe(true);
  });
});
