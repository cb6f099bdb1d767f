import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { formErrors } from './errors';

describe('mapping API validation errors onto form fields', () => {
  it('places each detail next to the field its loc names', () => {
    const error = new ApiError(400, 'The deployment is not valid.', [
      { loc: ['body', 'gpusPerInstance'], msg: 'must be 0 for a CPU deployment' },
      { loc: ['body', 'instances'], msg: 'must be 0 to 64' },
    ]);
    expect(formErrors(error, ['instances', 'gpusPerInstance'])).toEqual({
      fields: { gpusPerInstance: 'must be 0 for a CPU deployment', instances: 'must be 0 to 64' },
      general: null,
    });
  });

  it('joins two messages for one field', () => {
    const error = new ApiError(400, 'Bad.', [
      { loc: ['body', 'name'], msg: 'is taken' },
      { loc: ['body', 'name'], msg: 'is too long' },
    ]);
    expect(formErrors(error, ['name']).fields.name).toBe('is taken; is too long');
  });

  it('keeps details of fields the form does not show in the general message', () => {
    const error = new ApiError(400, 'The upload is not valid.', [{ loc: ['body', 'descriptor'], msg: 'is not JSON' }]);
    expect(formErrors(error, ['file'])).toEqual({ fields: {}, general: 'The upload is not valid. descriptor: is not JSON' });
  });

  it('uses an alias when the API field has another name on the form', () => {
    const error = new ApiError(400, 'Bad.', [{ loc: ['body', 'name'], msg: 'must be 1 to 200 characters' }]);
    expect(formErrors(error, ['modelName'], { name: 'modelName' }).fields).toEqual({ modelName: 'must be 1 to 200 characters' });
  });

  it('shows the sentence of an error without details, and the message of a non-API error', () => {
    expect(formErrors(new ApiError(409, 'A deployment with this name exists.'), ['name'])).toEqual({ fields: {}, general: 'A deployment with this name exists.' });
    expect(formErrors(new Error('offline'), ['name']).general).toBe('offline');
  });
});
