import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editorconfigProblems } from '../../scripts/check-editorconfig.js';

const strict = { end_of_line: 'lf', insert_final_newline: true, trim_trailing_whitespace: true, indent_style: 'space' } as const;

test('a file that follows the rules has no problems', () => {
  assert.deepEqual(editorconfigProblems('const a = 1;\n  indented();\n', strict), []);
});

test('each rule is reported with its line', () => {
  assert.deepEqual(editorconfigProblems('a \n\tb\r\nc', strict), [
    'CR line endings (end_of_line = lf)',
    'no newline at the end (insert_final_newline)',
    'line 1: trailing whitespace',
    'line 2: indented with a tab (indent_style = space)',
  ]);
});

test('unset properties check nothing', () => {
  assert.deepEqual(editorconfigProblems('a \n\tb', {}), []);
});
