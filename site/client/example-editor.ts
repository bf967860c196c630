/**
 * The editor an example becomes when the reader presses Edit (loaded by knet-example.ts with
 * import()): CodeMirror for the YAML with the engine's diagnostics underlined, a command line
 * with history and name completion, runs through the API or the in-browser engine, the
 * diagram redrawn and the goal checked after each run.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands'
import { yaml } from '@codemirror/lang-yaml'
import { indentOnInput } from '@codemirror/language'
import { lintGutter, setDiagnostics, type Diagnostic as EditorDiagnostic } from '@codemirror/lint'
import { EditorState, type Text } from '@codemirror/state'
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view'
import { ENGINE_VERSION } from '../../engine/version.ts'
import { checkHolds, parseCheck, type Check } from '../examples/checks.ts'
import { SCENARIO_LIMITS, type ScenarioState } from '../examples/scenario-link.ts'
import { composeScenario, locateLine, type ComposedScenario } from '../examples/scenario-text.ts'
import type { PlacedDiagnostic, RunAnswer } from '../examples/types.ts'
import type { EditorSession, ExampleHost } from './example-host.ts'
import { editorLook } from './editor-theme.ts'
import { renderDiagram, renderResults } from './render-answer.ts'
import { runAnywhere, type RunOutcome } from './runner.ts'

/** Commands a reader types are kept with the example's own, up to what a link may hold. */
const MAX_COMMANDS = SCENARIO_LIMITS.maxCommands
const COMPLETION_COMMANDS = ['kubectl get pods -A -o name', 'kubectl get services -A -o name', 'kubectl get nodes -o name']

/** Fired on the element when the scenario or commands change, and after each run. */
export type KnetChangeEvent = CustomEvent<{ state: ScenarioState }>
export type KnetRunEvent = CustomEvent<{ outcome: RunOutcome; state: ScenarioState }>

export async function startEditing(
  host: ExampleHost,
  initial?: Pick<ScenarioState, 'scenario' | 'commands'>,
): Promise<EditorSession> {
  const data = host.data
  const q = <T extends Element = HTMLElement>(selector: string) => host.querySelector<T>(selector)
  host.place('prompt')
  const runButton = q<HTMLButtonElement>('[data-knet-action="run"]')!
  const editButton = q<HTMLButtonElement>('[data-knet-action="edit"]')!
  const resetButton = q<HTMLButtonElement>('[data-knet-action="reset"]')!
  const terminal = q('[data-knet-terminal]')!
  const results = q('[data-knet-results]')!
  const prompt = q<HTMLFormElement>('[data-knet-prompt]')!
  const input = q<HTMLInputElement>('[data-knet-command]')!
  const completions = q('[data-knet-completions]')!
  const figure = q('.knet-figure')
  const status = q('[data-knet-status]')!
  const diagnosticsList = q('[data-knet-diagnostics]')!
  // a challenge's warnings about the example as written, folded until the reader asks (KnetExample.astro):
  // neither listed nor underlined before; warnings that only the reader's edits bring show as usual
  const checksBox = q<HTMLDetailsElement>('[data-knet-checks]')
  const checksList = q('[data-knet-checks-list]')
  const spoilers = new Set([...(checksList?.querySelectorAll<HTMLElement>('li') ?? [])].map((li) => li.dataset.message ?? ''))
  let shown: { diagnostics: PlacedDiagnostic[]; scenario: ComposedScenario } | undefined
  checksBox?.addEventListener('toggle', () => {
    if (shown) showDiagnostics(shown.diagnostics, shown.scenario)
  })
  const goalStatus = q('[data-knet-goal]')
  const goalChecks = (data.goal?.checks ?? [])
    .map((source) => parseCheck(source, data.commands.length))
    .filter((c): c is Check => typeof c !== 'string')

  // The starting point Reset returns to: the example as written, or what the playground opened.
  let origin = initial
    ? { base: undefined as string | undefined, manifests: initial.scenario, commands: [...initial.commands] }
    : { base: data.base?.text, manifests: data.manifests, commands: [...data.commands] }
  let commands = [...origin.commands]
  const typedHistory: string[] = []
  let historyAt = 0
  let runCounter = 0
  // Pod, Service and node names for Tab completion, fetched when the command line gets focus.
  let names: Promise<string[]> | undefined
  let knownNames: string[] | undefined

  const onChange = () => {
    names = undefined
    host.dispatchEvent(new CustomEvent('knet-change', { detail: { state: state() } }))
  }
  const extensions = (label: string) => [
    lineNumbers(),
    highlightActiveLineGutter(),
    history(),
    drawSelection(),
    highlightActiveLine(),
    indentOnInput(),
    editorLook,
    yaml(),
    lintGutter(),
    EditorState.tabSize.of(2),
    keymap.of([
      { key: 'Mod-Enter', run: () => (void run(), true) },
      // Esc leaves the editor forward: to the key hint just after it, from which Tab goes on to
      // the terminal and the command line, never back into the editor (issue 19).
      { key: 'Escape', run: () => (leaveEditor(), true) },
      indentWithTab,
      ...defaultKeymap,
      ...historyKeymap,
    ]),
    EditorView.contentAttributes.of({ 'aria-label': label }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) onChange()
    }),
  ]

  // Each editor lives in a shadow root, where CodeMirror's styles are constructed stylesheets
  // rather than the <style> elements the page's content security policy refuses.
  const mount = (slot: HTMLElement, text: string, label: string) => {
    const wrapper = document.createElement('div')
    wrapper.className = 'knet-editor'
    slot.replaceChildren(wrapper)
    const root = wrapper.attachShadow({ mode: 'open' })
    return new EditorView({ root, parent: root, state: EditorState.create({ doc: text, extensions: extensions(label) }) })
  }

  const hint = q('[data-knet-hint]')!
  function leaveEditor() {
    // The hint is not drawn on touch screens (knet.css): then the command line takes the focus.
    if (hint.getClientRects().length > 0) hint.focus()
    else input.focus()
  }

  const baseDetails = q<HTMLDetailsElement>('[data-knet-base]')
  let baseView: EditorView | undefined
  if (origin.base !== undefined && baseDetails) {
    baseView = mount(q('[data-knet-slot="base"]')!, origin.base, `Shared cluster ${data.base?.name}.yaml (YAML)`)
  } else if (baseDetails) {
    // A link's scenario already holds the base.
    baseDetails.hidden = true
  }
  const manifestsView = mount(q('[data-knet-slot="manifests"]')!, origin.manifests, `${data.title ?? 'Example'}: manifests (YAML)`)

  host.toggleAttribute('data-editing', true)
  editButton.hidden = true
  runButton.hidden = false
  resetButton.hidden = false
  hint.hidden = false

  function composed(): ComposedScenario {
    return composeScenario(baseView?.state.doc.toString(), manifestsView.state.doc.toString())
  }

  function state(): ScenarioState {
    return {
      v: 1,
      engine: ENGINE_VERSION,
      scenario: composed().text,
      commands: [...commands],
      ...(data.page && host.dataset.mode !== 'playground' ? { page: data.page, example: data.id } : (host.provenance ?? {})),
    }
  }

  /**
   * The matrix the last run drew, so that the next run marks the pairs an edit changed. Before
   * the first run in the page it is the example's own (as written), fetched once when needed.
   */
  let lastMatrix: Promise<unknown> | undefined
  function previousMatrix(): Promise<unknown> {
    lastMatrix ??= runAnywhere({ scenario: composeScenario(data.base?.text, data.manifests).text, commands: data.commands, diagram: 'matrix', previous: null })
      .then(({ answer }) => answer.diagramData ?? null)
      .catch(() => null)
    return lastMatrix
  }

  /** Runs the scenario; `reveal` scrolls the terminal to its end (for a command just typed). */
  async function run(reveal = false) {
    const mine = ++runCounter
    const scenario = composed()
    runButton.setAttribute('aria-busy', 'true')
    terminal.setAttribute('aria-busy', 'true')
    try {
      const previous = data.diagram === 'matrix' ? await previousMatrix() : undefined
      const outcome = await runAnywhere({ scenario: scenario.text, commands, ...(data.diagram ? { diagram: data.diagram } : {}), ...(previous !== undefined ? { previous } : {}) })
      if (data.diagram === 'matrix' && outcome.answer.diagramData !== undefined) lastMatrix = Promise.resolve(outcome.answer.diagramData)
      // A newer run started meanwhile: its answer wins.
      if (mine !== runCounter) return
      const scrolled = results.scrollTop
      show(outcome.answer, scenario)
      results.scrollTop = reveal ? results.scrollHeight : scrolled
      status.textContent = outcome.by === 'browser' ? `Answered in your browser (${outcome.reason}).` : ''
      host.dispatchEvent(new CustomEvent('knet-run', { detail: { outcome, state: state() } }))
    } catch (error) {
      status.textContent = `Could not run the example: ${(error as Error).message}`
    } finally {
      if (mine === runCounter) {
        runButton.removeAttribute('aria-busy')
        terminal.removeAttribute('aria-busy')
      }
    }
  }

  function show(answer: RunAnswer, scenario: ComposedScenario) {
    renderResults(results, answer.results)
    offerFixes(answer)
    if (figure && (answer.diagram || answer.diagramMissing)) renderDiagram(figure, answer.diagram, `knet-${data.id}-`, answer.diagramMissing)
    showDiagnostics(answer.diagnostics, scenario)
    if (goalStatus && goalChecks.length > 0) {
      const met = goalChecks.every((check) => checkHolds(check, answer.results))
      goalStatus.dataset.met = String(met)
      goalStatus.textContent = met ? 'Goal met ✓' : 'Not yet: the goal is not met by this run.'
    }
  }

  /** Under a denied `policy check` with a fix: a button that appends the fix to the manifests and runs again. */
  function offerFixes(answer: RunAnswer) {
    const blocks = results.querySelectorAll<HTMLElement>('.knet-command')
    answer.results.forEach((result, i) => {
      const fix = result.fix
      if (!fix || !blocks[i]) return
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'knet-button knet-command__fix'
      button.textContent = result.fixLabel ?? 'Apply this fix and run again'
      button.addEventListener('click', () => {
        const doc = manifestsView.state.doc
        const text = doc.toString()
        const insert = `${text === '' || text.endsWith('\n') ? '' : '\n'}${fix}`
        manifestsView.dispatch({ changes: { from: doc.length, insert } })
        void run()
      })
      blocks[i].append(button)
    })
  }

  function showDiagnostics(diagnostics: PlacedDiagnostic[], scenario: ComposedScenario) {
    shown = { diagnostics, scenario }
    const forBase: EditorDiagnostic[] = []
    const forManifests: EditorDiagnostic[] = []
    const folded: HTMLLIElement[] = []
    const items = diagnostics.flatMap((d) => {
      const fold = checksBox !== null && checksList !== null && d.severity !== 'error' && spoilers.has(d.message)
      const item = document.createElement('li')
      item.className = 'knet-diagnostic'
      item.dataset.severity = d.severity
      let where = ''
      if (d.line > 0) {
        const at = locateLine(scenario, d.line)
        const view = at.part === 'base' && baseView ? baseView : manifestsView
        const endAt = d.endLine > 0 ? locateLine(scenario, d.endLine) : at
        const range = toRange(view.state.doc, at.line, d.column, endAt.part === at.part ? endAt.line : at.line, d.endColumn)
        const message = d.hint ? `${d.message} (${d.hint})` : d.message
        if (!fold || checksBox.open) (view === baseView ? forBase : forManifests).push({ ...range, severity: d.severity, message, source: d.code })
        where = `${at.part === 'base' ? `${data.base?.name ?? 'base'}.yaml ` : ''}line ${at.line}:${Math.max(1, d.column)}: `
      }
      item.textContent = `${where}${d.severity}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`
      if (fold) {
        item.dataset.message = d.message
        folded.push(item)
        return []
      }
      return [item]
    })
    diagnosticsList.replaceChildren(...items)
    if (checksBox && checksList) {
      checksList.replaceChildren(...folded)
      checksBox.hidden = folded.length === 0
    }
    manifestsView.dispatch(setDiagnostics(manifestsView.state, forManifests))
    if (baseView) baseView.dispatch(setDiagnostics(baseView.state, forBase))
    if (baseView && baseDetails && forBase.some((d) => d.severity === 'error')) baseDetails.open = true
  }

  // The command line: Enter runs (with the example's commands), ↑/↓ walk the history,
  // Tab completes names from the current cluster when there is something to complete.
  const loadNames = () => {
    // `kubectl get … -o name` prints kind/name: pod/web-1, service/web, node/node-1
    names ??= runAnywhere({ scenario: composed().text, commands: COMPLETION_COMMANDS }).then(({ answer }) =>
      [...new Set(answer.results.flatMap((r) => r.stdout.split('\n')).filter((line) => line.includes('/')))].sort(),
    )
    void names.then((list) => (knownNames = list))
  }
  input.addEventListener('focus', () => {
    knownNames = undefined
    names = undefined
    loadNames()
  })
  prompt.addEventListener('submit', (event) => {
    event.preventDefault()
    const line = input.value.trim()
    if (!line) return
    input.value = ''
    completions.textContent = ''
    if (typedHistory.at(-1) !== line) typedHistory.push(line)
    historyAt = typedHistory.length
    if (line === 'clear') commands = [...origin.commands]
    else {
      commands.push(line)
      // The oldest typed command makes room; the example's own commands stay.
      if (commands.length > MAX_COMMANDS) commands.splice(Math.min(origin.commands.length, MAX_COMMANDS - 1), 1)
    }
    onChange()
    void run(true)
  })
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      if (typedHistory.length === 0) return
      event.preventDefault()
      historyAt = Math.max(0, Math.min(typedHistory.length, historyAt + (event.key === 'ArrowUp' ? -1 : 1)))
      input.value = typedHistory[historyAt] ?? ''
      input.setSelectionRange(input.value.length, input.value.length)
    } else if (event.key === 'Tab' && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey) {
      if (knownNames === undefined && names && wordBeforeCaret(input) !== '') {
        // Still asking for the names: complete when they come.
        event.preventDefault()
        void names.then((list) => {
          const completed = complete(input, list)
          if (completed !== undefined) completions.textContent = completed
        })
        return
      }
      const completed = complete(input, knownNames)
      if (completed === undefined) return
      event.preventDefault()
      completions.textContent = completed
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      void run()
    }
  })

  // Ctrl/Cmd+Enter anywhere in the example runs it (the editors handle their own).
  host.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
      event.preventDefault()
      void run()
    }
  })

  async function reset() {
    baseView?.dispatch({ changes: { from: 0, to: baseView.state.doc.length, insert: origin.base ?? '' } })
    manifestsView.dispatch({ changes: { from: 0, to: manifestsView.state.doc.length, insert: origin.manifests } })
    commands = [...origin.commands]
    onChange()
    await run()
  }

  async function load(next: Pick<ScenarioState, 'scenario' | 'commands'>) {
    origin = { base: undefined, manifests: next.scenario, commands: [...next.commands] }
    if (baseView) {
      baseView.destroy()
      baseView = undefined
      if (baseDetails) baseDetails.hidden = true
    }
    manifestsView.dispatch({ changes: { from: 0, to: manifestsView.state.doc.length, insert: next.scenario } })
    commands = [...next.commands]
    onChange()
    await run()
  }

  return {
    state,
    run: () => run(),
    reset,
    load,
    focus: () => manifestsView.focus(),
    setOrigin: (next) => {
      origin = { base: undefined, manifests: next.scenario, commands: [...next.commands] }
    },
  }
}

/** A CodeMirror range for 1-based line/column positions, at least one character wide. */
function toRange(doc: Text, line: number, column: number, endLine: number, endColumn: number) {
  const clampLine = (n: number) => doc.line(Math.max(1, Math.min(doc.lines, n)))
  const start = clampLine(line)
  const from = Math.min(start.from + Math.max(0, column - 1), start.to)
  let to = from
  if (endLine > 0) {
    const end = clampLine(endLine)
    to = Math.min(end.from + Math.max(0, endColumn - 1), end.to)
  }
  if (to <= from) to = start.to > from ? start.to : Math.min(from + 1, doc.length)
  return { from: Math.min(from, to), to }
}

/**
 * Completes the word before the caret from `names`: the whole name when one fits, the common
 * part when several do. Returns what to tell the reader, or undefined to let Tab move focus.
 */
function complete(input: HTMLInputElement, names: string[] | undefined): string | undefined {
  if (!names) return undefined
  const caret = input.selectionStart ?? input.value.length
  const before = input.value.slice(0, caret)
  const word = wordBeforeCaret(input)
  if (word === '') return undefined
  // After `svc`, `exec`, `ssh`... only names of that kind; otherwise any.
  const kind = kindBefore(before.slice(0, before.length - word.length))
  const candidates = names
    .filter((line) => !kind || line.startsWith(`${kind}/`))
    .map((line) => line.slice(line.indexOf('/') + 1))
  const matches = [...new Set(candidates)].filter((name) => name.startsWith(word))
  if (matches.length === 0) return undefined
  let common = matches[0]
  for (const name of matches) while (!name.startsWith(common)) common = common.slice(0, -1)
  const insert = matches.length === 1 ? `${common} ` : common
  input.value = before.slice(0, caret - word.length) + insert + input.value.slice(caret)
  const at = caret - word.length + insert.length
  input.setSelectionRange(at, at)
  if (matches.length === 1) return ''
  return matches.length > 12 ? `${matches.slice(0, 12).join('  ')}  … ${matches.length - 12} more` : matches.join('  ')
}

/** The name being typed: what follows the last space or slash before the caret. */
function wordBeforeCaret(input: HTMLInputElement): string {
  const before = input.value.slice(0, input.selectionStart ?? input.value.length)
  return /[^\s/]*$/.exec(before)?.[0] ?? ''
}

/** kubectl's names for the kinds completion knows, and commands that take one kind. */
const KIND_WORDS: Record<string, string> = {
  pod: 'pod', pods: 'pod', po: 'pod', exec: 'pod', logs: 'pod',
  service: 'service', services: 'service', svc: 'service',
  node: 'node', nodes: 'node', no: 'node', ssh: 'node',
}

/** The kind the last word before the name asks for (`svc`, `pod/`, `ssh`...), if any. */
function kindBefore(text: string): string | undefined {
  // After `kubectl exec POD --`, the words belong to the command run in the Pod.
  const tail = text.split(/\s--\s/).at(-1) ?? ''
  const words = tail.trim().split(/[\s/]+/).filter((w) => !w.startsWith('-'))
  for (let i = words.length - 1; i >= 0; i--) {
    const kind = KIND_WORDS[words[i]]
    if (kind) return kind
    if (words[i] === 'kubectl' || words[i] === 'get' || words[i] === 'describe') break
  }
  return undefined
}
