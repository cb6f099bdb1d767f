import { describe, expect, it } from 'vitest';
import { newPasswordProblem, temporaryPassword } from './passwords';

describe('a new password', () => {
  it('must be given twice the same and differ from the current one', () => {
    expect(newPasswordProblem('', '')).toBe('Choose a new password.');
    expect(newPasswordProblem('abc12345', 'abc1234')).toBe('The two new passwords differ.');
    expect(newPasswordProblem('same-one', 'same-one', 'same-one')).toBe('The new password must differ from the current one.');
    expect(newPasswordProblem('new-one!', 'new-one!', 'old-one!')).toBeNull();
  });
});

describe('a temporary password', () => {
  it('has 20 characters without look-alikes', () => {
    const p = temporaryPassword();
    expect(p).toHaveLength(20);
    expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]+$/);
  });

  it('skips the random bytes that would favour the first letters', () => {
    // 57 letters: bytes from 228 up are dropped, so only the 1s count.
    const bytes = new Uint8Array(32).map((_, i) => (i % 2 === 0 ? 250 : 1));
    expect(temporaryPassword(() => bytes)).toBe('B'.repeat(20));
  });
});
