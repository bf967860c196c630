/**
 * The editor's look, in Starlight's colours (its CSS variables reach into the editor's shadow
 * root), so it follows the light and dark themes. CodeMirror adds these styles as constructed
 * stylesheets of that shadow root: no <style> element, which the page's policy would refuse.
 */
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { EditorView } from '@codemirror/view'
import { tags as t } from '@lezer/highlight'

const theme = EditorView.theme({
  '&': {
    maxHeight: '32rem',
    border: '1px solid var(--sl-color-gray-4)',
    borderRadius: '0.375rem',
    background: 'var(--sl-color-gray-6)',
    color: 'var(--sl-color-white)',
    fontSize: 'var(--sl-text-code, 0.875rem)',
  },
  '&.cm-focused': {
    outline: '2px solid var(--sl-color-text-accent)',
    outlineOffset: '1px',
  },
  '.cm-scroller': {
    fontFamily: 'var(--__sl-font-mono, ui-monospace, monospace)',
    lineHeight: '1.6',
  },
  '.cm-gutters': {
    background: 'var(--sl-color-gray-6)',
    color: 'var(--sl-color-gray-3)',
    borderRight: '1px solid var(--sl-color-gray-5)',
  },
  '.cm-activeLine, .cm-activeLineGutter': {
    background: 'color-mix(in srgb, var(--sl-color-gray-5) 35%, transparent)',
  },
  '.cm-content': { caretColor: 'var(--sl-color-white)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--sl-color-white)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground': {
    background: 'color-mix(in srgb, var(--sl-color-accent) 35%, transparent)',
  },
  '.cm-tooltip': {
    border: '1px solid var(--sl-color-gray-4)',
    background: 'var(--sl-color-black)',
    color: 'var(--sl-color-white)',
  },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--sl-color-red)' },
  '.cm-diagnostic-warning': { borderLeftColor: 'var(--sl-color-orange)' },
})

const highlight = HighlightStyle.define([
  { tag: [t.definition(t.propertyName), t.propertyName], color: 'var(--sl-color-blue-high)' },
  { tag: [t.string, t.special(t.string)], color: 'var(--sl-color-green-high)' },
  { tag: t.content, color: 'var(--sl-color-orange-high)' },
  { tag: t.lineComment, color: 'var(--sl-color-gray-3)', fontStyle: 'italic' },
  { tag: [t.meta, t.keyword, t.labelName, t.typeName], color: 'var(--sl-color-purple-high)' },
  { tag: [t.separator, t.punctuation, t.squareBracket, t.brace], color: 'var(--sl-color-gray-2)' },
])

export const editorLook = [theme, syntaxHighlighting(highlight)]
