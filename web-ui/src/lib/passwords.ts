/** What the form can tell before asking the API (which owns the password rules): null when it may be sent. */
export function newPasswordProblem(newPassword: string, confirmation: string, currentPassword?: string): string | null {
  if (!newPassword) {
    return 'Choose a new password.';
  }
  if (newPassword !== confirmation) {
    return 'The two new passwords differ.';
  }
  if (currentPassword !== undefined && newPassword === currentPassword) {
    return 'The new password must differ from the current one.';
  }
  return null;
}

/** A temporary password an operator hands over: 20 characters from a random source, without look-alikes. */
export function temporaryPassword(random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  // 256 is not a multiple of the alphabet's length: drop the bytes that would favour its first letters.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < 20) {
    for (const b of random(32)) {
      if (b < limit && out.length < 20) {
        out += alphabet[b % alphabet.length];
      }
    }
  }
  return out;
}
