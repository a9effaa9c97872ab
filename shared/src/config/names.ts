/**
 * Kubernetes name rules (apimachinery's validation package) with its wording, so a selector or namespace refused
 * here reads like the same refusal from the API server.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A namespace name; undefined when valid, else why not. */
export function dns1123LabelError(v: string): string | undefined {
  if (v.length > 63) return 'must be no more than 63 characters';
  if (!DNS1123_LABEL.test(v))
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
  return undefined;
}

/** An object name (a Secret's, say) or a label key's prefix; undefined when valid, else why not. */
export function dns1123SubdomainError(v: string): string | undefined {
  if (v.length > 253) return 'must be no more than 253 characters';
  if (!DNS1123_SUBDOMAIN.test(v))
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
  return undefined;
}

function subdomainError(v: string): string | undefined {
  const e = dns1123SubdomainError(v);
  return e && `prefix part ${e}`;
}

/** A label key (`app`, `example.com/tier`); undefined when valid. */
export function labelKeyError(v: string): string | undefined {
  const parts = v.split('/');
  if (parts.length > 2)
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character with an optional DNS subdomain prefix and '/'";
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    if (parts[0] === '') return 'prefix part must be non-empty';
    const e = subdomainError(parts[0]);
    if (e) return e;
  }
  if (name === '') return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name))
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  return undefined;
}

/** A label value (may be empty); undefined when valid. */
export function labelValueError(v: string): string | undefined {
  if (v.length > 63) return 'must be no more than 63 characters';
  if (v !== '' && !QUALIFIED_NAME.test(v))
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  return undefined;
}
