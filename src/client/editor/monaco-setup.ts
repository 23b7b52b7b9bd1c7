/// <reference types="vite/client" />
/**
 * Monaco, as this app uses it: the core editor with its features, the languages a function's
 * files are written in, the web workers wired for Vite, and a theme matching app.css. Imported
 * only by the lazily loaded editor mount, so none of this is in the shell's first paint.
 */
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/javascript/register';
import 'monaco-editor/languages/definitions/typescript/register';
import 'monaco-editor/languages/definitions/python/register';
import 'monaco-editor/languages/definitions/go/register';
import 'monaco-editor/languages/definitions/shell/register';
import 'monaco-editor/languages/definitions/yaml/register';
import 'monaco-editor/languages/definitions/markdown/register';
import 'monaco-editor/languages/definitions/dockerfile/register';
import { javascriptDefaults } from 'monaco-editor/languages/features/typescript/register';
import 'monaco-editor/languages/features/json/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';

// The worker of a language service when it has one, else the generic editor worker (diffs,
// word-based suggestions, links). Vite bundles each `?worker` import as a module worker.
self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    if (label === 'typescript' || label === 'javascript') return new TsWorker();
    if (label === 'json') return new JsonWorker();
    return new EditorWorker();
  },
};

// Function code is CommonJS (`exports.handler = ...`); TypeScript's "may be converted to an ES
// module" hint on every such file is noise here. Syntax errors still show.
javascriptDefaults.setDiagnosticsOptions({ noSemanticValidation: true, noSyntaxValidation: false, noSuggestionDiagnostics: true });
javascriptDefaults.setCompilerOptions({ allowJs: true, allowNonTsExtensions: true, target: 99 /* ESNext */, module: 1 /* CommonJS */ });

export const THEME = 'fnplay-dark';

monaco.editor.defineTheme(THEME, {
  base: 'vs-dark',
  inherit: true,
  rules: [{ token: 'comment', foreground: '6b7588', fontStyle: 'italic' }],
  colors: {
    'editor.background': '#0f1115',
    'editor.foreground': '#d8dee9',
    'editorGutter.background': '#0f1115',
    'editorLineNumber.foreground': '#4a5263',
    'editorLineNumber.activeForeground': '#8b95a7',
    'editor.lineHighlightBackground': '#161a21',
    'editor.lineHighlightBorder': '#00000000',
    'editorCursor.foreground': '#ff6a00',
    'editor.selectionBackground': '#2b3d5c',
    'editor.inactiveSelectionBackground': '#232c3b',
    'editorIndentGuide.background1': '#1e232c',
    'editorIndentGuide.activeBackground1': '#2f3644',
    'editorWidget.background': '#161a21',
    'editorWidget.border': '#2a303b',
    'editorSuggestWidget.background': '#161a21',
    'editorSuggestWidget.border': '#2a303b',
    'editorSuggestWidget.selectedBackground': '#1d222b',
    'scrollbarSlider.background': '#2a303b99',
    'scrollbarSlider.hoverBackground': '#3a4252cc',
    focusBorder: '#58a6ff80',
  },
});

export { monaco };
