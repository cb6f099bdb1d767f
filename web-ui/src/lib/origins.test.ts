import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { originLines, originProblems } from './origins';

describe('the allowed origins field', () => {
  it('sends one origin per non-empty line, trimmed', () => {
    expect(originLines(' https://app.example.com \n\nhttp://localhost:5173\n  ')).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(originLines('')).toEqual([]);
  });

  it('names each line the server refused with its text', () => {
    const lines = ['https://ok.example.com', '*', 'https://x.example.com/path'];
    const refused = new ApiError(400, 'The project change is not valid.', [
      { loc: ['body', 'allowedOrigins', '1'], msg: 'must be an origin', type: 'value_error.origin' },
      { loc: ['body', 'allowedOrigins', '2'], msg: 'must be an origin', type: 'value_error.origin' },
    ]);
    expect(originProblems(refused, lines)).toEqual(['Line 2 (*): must be an origin', 'Line 3 (https://x.example.com/path): must be an origin']);
    expect(originProblems(new ApiError(403, 'This needs the ADMIN role or higher.'), lines)).toEqual(['This needs the ADMIN role or higher.']);
  });
});
