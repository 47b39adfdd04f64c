// Prompt texts against the Qwen2.5-Math harness as vendored by the authors
// (hf618/VERL examples/simplelr_math_eval/utils.py, PROMPT_TEMPLATES), rendered the way Python's
// str.format renders them.
import { describe, expect, it } from 'vitest';
import { formatPrompt, listPromptTemplates, PROMPT_TEMPLATE_TEXTS, promptTemplates, registerPromptTemplate } from './index.js';

// The harness's Python string literals (after Python's own escape processing), format-style.
const HARNESS = {
  'qwen25-math-cot':
    '<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{{}}.<|im_end|>\n' +
    '<|im_start|>user\n{input}<|im_end|>\n' +
    '<|im_start|>assistant\n',
  abel: "Question:\n{input}\nAnswer:\nLet's think step by step.\n",
  'qwen-boxed':
    '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' +
    '<|im_start|>user\n{input}\nPlease reason step by step, and put your final answer within \\boxed{{}}.<|im_end|>\n' +
    '<|im_start|>assistant\n',
  mathstral: '{input}\nPlease reason step by step, and put your final answer within \\boxed{{}}.',
};

/** Python's `template.format(input=q)` for these templates. */
function pyFormat(template: string, input: string): string {
  return template.replace(/\{\{|\}\}|\{input\}/g, (m) => (m === '{{' ? '{' : m === '}}' ? '}' : input));
}

const Q = 'Find $x$ if $\\frac{x}{2} = {3}$.';

describe('prompt templates', () => {
  it('qwen-math is the harness qwen25-math-cot template', () => {
    expect(formatPrompt('qwen-math', Q)).toBe(pyFormat(HARNESS['qwen25-math-cot'], Q));
    expect(formatPrompt('qwen-math', '1+1?')).toBe(
      '<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n<|im_start|>user\n1+1?<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('abel, qwen-boxed and plain are the harness abel, qwen-boxed and mathstral templates', () => {
    expect(formatPrompt('abel', Q)).toBe(pyFormat(HARNESS.abel, Q));
    expect(formatPrompt('qwen-boxed', Q)).toBe(pyFormat(HARNESS['qwen-boxed'], Q));
    expect(formatPrompt('plain', Q)).toBe(pyFormat(HARNESS.mathstral, Q));
  });

  it('the question is trimmed like the harness parse_question; $ and braces in it are kept literally', () => {
    expect(formatPrompt('abel', `  ${Q}\n`)).toBe(pyFormat(HARNESS.abel, Q));
    expect(formatPrompt('raw', '$& {input} $1')).toBe('$& {input} $1');
  });

  it('arithmetic is the bare expression and "="', () => {
    expect(formatPrompt('arithmetic', '12+7*3')).toBe('12+7*3=');
  });

  it('texts are exported for display, one {input} each', () => {
    expect(Object.keys(PROMPT_TEMPLATE_TEXTS)).toEqual(['qwen-math', 'abel', 'plain', 'qwen-boxed', 'arithmetic', 'raw']);
    for (const t of Object.values(PROMPT_TEMPLATE_TEXTS)) expect(t.split('{input}')).toHaveLength(2);
    expect(promptTemplates()['abel'].source).toMatch(/abel/);
  });

  it('unknown names are an error listing the known ones; custom templates can be added', () => {
    expect(() => formatPrompt('nope' as never, 'q')).toThrow(/unknown prompt template "nope"; known: qwen-math, abel/);
    registerPromptTemplate('mine', 'Q: {input}\nA:');
    expect(formatPrompt('mine', 'x')).toBe('Q: x\nA:');
    expect(listPromptTemplates()).toContain('mine');
    expect(() => registerPromptTemplate('mine', 'Q: {input}')).toThrow(/already exists/);
    expect(() => registerPromptTemplate('none', 'no placeholder')).toThrow(/exactly once, found 0/);
  });
});
