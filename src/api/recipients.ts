/**
 * The allow-list for emails of on-demand analyses (`api.allowedRecipients`): an entry with an @ is one address,
 * any other entry a domain, matched exactly (a subdomain is another domain). Case does not matter. Nothing is
 * allowed while the list is empty: an API token must not be a way to mail reports anywhere.
 */
export function recipientAllowed(email: string, allowed: readonly string[]): boolean {
  const address = email.trim().toLowerCase();
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return allowed.some((entry) => {
    const e = entry.trim().toLowerCase();
    return e.includes('@') ? e === address : e === domain;
  });
}

/** Why `email` is refused, in the API's one-line style. */
export function recipientRefusal(email: string, allowed: readonly string[]): string {
  if (allowed.length === 0)
    return 'this deployment sends on-demand reports to no one: api.allowedRecipients in rolecall.yaml is empty';
  return `"${email}" is not an allowed recipient (api.allowedRecipients: ${allowed.join(', ')})`;
}
