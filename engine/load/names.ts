/**
 * Name and label syntax as k8s.io/apimachinery/pkg/util/validation checks it,
 * with its exact messages.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/

export type NameRule = 'dns1123-label' | 'dns1035-label' | 'dns1123-subdomain'

export function nameProblems(name: string, rule: NameRule): string[] {
  const out: string[] = []
  if (rule === 'dns1123-subdomain') {
    if (name.length > 253) out.push('must be no more than 253 characters')
    if (!DNS1123_SUBDOMAIN.test(name)) out.push(syntaxMessage(rule))
    return out
  }
  if (name.length > 63) out.push('must be no more than 63 characters')
  if (!(rule === 'dns1123-label' ? DNS1123_LABEL : DNS1035_LABEL).test(name)) out.push(syntaxMessage(rule))
  return out
}

/** apimachinery's message for a name of the wrong syntax (compiled only when a name has one: issue 20). */
function syntaxMessage(rule: NameRule): string {
  if (rule === 'dns1123-subdomain') {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
  }
  if (rule === 'dns1123-label') {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
  }
  return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
}

export function labelValueProblems(value: string): string[] {
  const out: string[] = []
  if (value.length > 63) out.push('must be no more than 63 characters')
  if (!LABEL_VALUE.test(value)) {
    out.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    )
  }
  return out
}

export function labelKeyProblems(key: string): string[] {
  const slash = key.lastIndexOf('/')
  const name = slash >= 0 ? key.slice(slash + 1) : key
  const prefix = slash >= 0 ? key.slice(0, slash) : ''
  const out: string[] = []
  if (prefix && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    out.push('prefix part ' + nameProblems(prefix, 'dns1123-subdomain').join('; '))
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    out.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    )
  }
  return out
}

/** Which name rule the API server applies to each kind's metadata.name. */
export const NAME_RULES: Record<string, NameRule> = {
  Namespace: 'dns1123-label',
  // KEP-5311 (RelaxedServiceNameValidation: alpha 1.34, GA and locked on in 1.37): a Service name is an
  // RFC 1123 label, so it may start with a digit (pkg/apis/core/validation ValidateServiceName = NameIsDNSLabel)
  Service: 'dns1123-label',
}
