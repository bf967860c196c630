/**
 * Choosing kubectl get's printer from -o (cli-runtime genericclioptions
 * print_flags.go, jsonpath_flags.go; kubectl cmd/get customcolumn_flags.go),
 * and the template printers that print the List (or the one named object)
 * that get.go's printGeneric hands them.
 */
import type { Json, JsonObject } from '../model/types.ts'
import { parseCustomColumns, printCustomColumns } from './custom-columns.ts'
import type { Column } from './custom-columns.ts'
import { executeJsonPath, executeJsonPathAsJson, goQuote, goSharpV, JsonPathError, parseJsonPath } from './jsonpath.ts'
import type { JsonPathTemplate } from './jsonpath.ts'

export type Printer =
  | { kind: 'table'; format: '' | 'wide' }
  | { kind: 'json' | 'yaml' | 'name' }
  | { kind: 'jsonpath'; template: JsonPathTemplate; asJson: boolean }
  | { kind: 'custom-columns'; columns: Column[] }

/** kubectl get's formats, sorted as NoCompatiblePrinterError lists them (kyaml: on unless KUBECTL_KYAML=false). */
const ALLOWED = 'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml'

function splitFormat(output: string): { format: string; value?: string } {
  const eq = output.indexOf('=')
  return eq < 0 ? { format: output } : { format: output.slice(0, eq), value: output.slice(eq + 1) }
}

export function printerFor(output: string): Printer | { error: string } {
  // the table, as most commands print: the other formats are read only when asked for (issue 20)
  return output === '' || output === 'wide' ? { kind: 'table', format: output } : otherPrinter(output)
}

function otherPrinter(output: string): Printer | { error: string } {
  const lower = output.toLowerCase()
  if (lower === 'json' || lower === 'yaml' || lower === 'yml') return { kind: lower === 'json' ? 'json' : 'yaml' }
  if (output === 'name') return { kind: 'name' }
  const { format, value } = splitFormat(output)
  if (format === 'jsonpath' || format === 'jsonpath-as-json') {
    if (!value) return { error: 'error: template format specified but no template given' }
    try {
      return { kind: 'jsonpath', template: parseJsonPath(value), asJson: format === 'jsonpath-as-json' }
    } catch (e) {
      if (e instanceof JsonPathError) return { error: `error: error parsing jsonpath ${value}, ${e.message}` }
      throw e
    }
  }
  if (format === 'custom-columns') {
    const r = parseCustomColumns(value ?? '')
    if (!r.ok) return { error: `error: ${r.error}` }
    return { kind: 'custom-columns', columns: r.columns }
  }
  // the workstation here has no files to read a template from
  if (format === 'jsonpath-file') {
    if (!value) return { error: 'error: template format specified but no template given' }
    return { error: `error: error reading --template ${value}, open ${value}: no such file or directory` }
  }
  if (format === 'custom-columns-file') {
    if (!value) return { error: 'error: custom-columns format specified but no custom columns given' }
    return { error: `error: error reading template ${value}, open ${value}: no such file or directory\n` }
  }
  if (['go-template', 'go-template-file', 'template', 'templatefile', 'kyaml'].includes(format)) {
    return { error: `error: -o ${format} is not simulated here (use -o jsonpath=… or -o custom-columns=…)` }
  }
  return { error: `error: unable to match a printer suitable for the output format "${output}", allowed formats are: ${ALLOWED}` }
}

/**
 * A template printer's output for `obj`. A jsonpath that fails to execute
 * gets cli-runtime's JSONPathPrinter message, the object dumped with Go's %#v.
 */
export function printGeneric(p: Extract<Printer, { kind: 'jsonpath' | 'custom-columns' }>, obj: JsonObject, noHeaders: boolean): { stdout: string; error?: string } {
  if (p.kind === 'custom-columns') {
    const items = obj.kind === 'List' && Array.isArray(obj.items) ? (obj.items as JsonObject[]) : [obj]
    const r = printCustomColumns(p.columns, items, noHeaders)
    return { stdout: r.text, error: r.error === undefined ? undefined : `error: ${r.error}\n` }
  }
  const r = p.asJson ? executeJsonPathAsJson(p.template, obj as Json) : executeJsonPath(p.template, obj as Json)
  if (r.ok) return { stdout: r.text }
  const raw = p.template.source
  const detail = `Error executing template: ${r.error}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t${raw}\n\tobject given to jsonpath engine was:\n\t\t${goSharpV(obj as Json, false)}\n\n`
  return { stdout: '', error: `error: error executing jsonpath ${goQuote(raw)}: ${detail}\n` }
}
