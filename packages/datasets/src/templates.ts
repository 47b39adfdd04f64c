// Prompt templates. `{input}` stands for the question. Texts are those of the Qwen2.5-Math
// evaluation harness as vendored by the authors (hf618/VERL examples/simplelr_math_eval/utils.py,
// PROMPT_TEMPLATES; Python's `\\boxed{{}}` there is the literal `\boxed{}` here).

export type PromptTemplate = 'qwen-math' | 'abel' | 'plain' | 'arithmetic' | 'qwen-boxed' | 'raw';

export interface PromptTemplateInfo {
  /** Full prompt text with one `{input}` placeholder. */
  text: string;
  description: string;
  /** Where the text comes from. */
  source: string;
}

const BOXED_INSTRUCTION = 'Please reason step by step, and put your final answer within \\boxed{}.';

const templates = new Map<string, PromptTemplateInfo>([
  [
    'qwen-math',
    {
      text: `<|im_start|>system\n${BOXED_INSTRUCTION}<|im_end|>\n<|im_start|>user\n{input}<|im_end|>\n<|im_start|>assistant\n`,
      description: 'Qwen chat with the step-by-step \\boxed{} instruction as the system message (Qwen2.5-Math evaluation)',
      source: 'harness PROMPT_TEMPLATES["qwen25-math-cot"]',
    },
  ],
  [
    'abel',
    {
      text: "Question:\n{input}\nAnswer:\nLet's think step by step.\n",
      description: "the paper's training and evaluation template for base models (simpleRL 'abel' data)",
      source: 'harness PROMPT_TEMPLATES["abel"]; hf618/VERL train.sh uses simplelr_abel_level3to5',
    },
  ],
  [
    'plain',
    {
      text: `{input}\n${BOXED_INSTRUCTION}`,
      description: 'the question and the \\boxed{} instruction, no chat markup (for base models or a server-side chat template)',
      source: 'harness PROMPT_TEMPLATES["mathstral"]',
    },
  ],
  [
    'qwen-boxed',
    {
      text: `<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n{input}\n${BOXED_INSTRUCTION}<|im_end|>\n<|im_start|>assistant\n`,
      description: 'Qwen chat, default system message, instruction after the question (simpleRL-Zoo)',
      source: 'harness PROMPT_TEMPLATES["qwen-boxed"]',
    },
  ],
  [
    'arithmetic',
    {
      text: '{input}=',
      description: 'the embedded demo: the bare expression and "=", continued by a short worked solution ending in \\boxed{}',
      source: 'this package (synthetic arithmetic task)',
    },
  ],
  ['raw', { text: '{input}', description: 'the question unchanged', source: 'this package' }],
]);

/** Every template's text, e.g. for the app to show which prompt a run used. */
export function promptTemplates(): Record<string, PromptTemplateInfo> {
  return Object.fromEntries(templates);
}

/** Names of all templates, built-in first. */
export function listPromptTemplates(): string[] {
  return [...templates.keys()];
}

/** The texts of the built-in templates (placeholder `{input}`). */
export const PROMPT_TEMPLATE_TEXTS: Readonly<Record<PromptTemplate, string>> = Object.freeze(
  Object.fromEntries([...templates].map(([k, v]) => [k, v.text])) as Record<PromptTemplate, string>,
);

/** Add a template; its text must contain `{input}` exactly once. */
export function registerPromptTemplate(name: string, info: PromptTemplateInfo | string, opts: { replace?: boolean } = {}): void {
  const entry = typeof info === 'string' ? { text: info, description: '', source: 'user' } : info;
  const count = entry.text.split('{input}').length - 1;
  if (count !== 1) throw new Error(`template "${name}" must contain {input} exactly once, found ${count}`);
  if (templates.has(name) && !opts.replace) throw new Error(`template "${name}" already exists (pass { replace: true } to override it)`);
  templates.set(name, entry);
}

/**
 * The full prompt for a question. The question is trimmed first, as the harness does
 * (`parse_question` returns `question.strip()`).
 */
export function formatPrompt(template: PromptTemplate | (string & {}), question: string): string {
  const t = templates.get(template);
  if (!t) throw new Error(`unknown prompt template "${template}"; known: ${listPromptTemplates().join(', ')}`);
  const i = t.text.indexOf('{input}');
  return t.text.slice(0, i) + question.trim() + t.text.slice(i + '{input}'.length);
}
