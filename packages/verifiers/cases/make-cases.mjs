// Writes labelled-cases.jsonl: (gold, response, verdict) cases written for this package, in the
// style of real model outputs. Each core case (category, gold, answer as the model writes it,
// verdict) is wrapped in two response styles from STYLES, chosen by its position, so every
// category is seen boxed and unboxed, in prose, Minerva format, display math and Chinese.
// Cases with a hand-written `response` are used as they are. Run: node cases/make-cases.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE } from './core-cases.mjs';
import { WRITTEN } from './written-cases.mjs';

// {A}: the answer in LaTeX (no dollars); {P}: the answer as plain text when given, else {A}
export const STYLES = {
  'chat-boxed': (a) => `To solve this, we first collect what we know.\n\nStep 1: Set up the relation between the quantities, which gives $2x + 3 = 11$.\n\nStep 2: Solve and simplify.\n\nTherefore, the final answer is $\\boxed{${a}}$.`,
  'chat-display': (a) => `We simplify step by step, using $a^2 - b^2 = (a-b)(a+b)$ where it helps.\n\n**Final Answer**\n\n\\[\n${a}\n\\]`,
  'minerva': (a) => `Problem:\nSee above.\n\nSolution:\nFrom the given conditions we get $4 \\cdot 3 = 12$ and then the value follows.\nFinal Answer: The final answer is $${a}$. I hope it is correct.`,
  'base-prose': (a) => `We have 3 cases to consider and 12 possible values in total. After checking each one, the answer is $${a}$.`,
  'last-span': (a) => `Substituting $n = 4$ back in and simplifying, we obtain $${a}$.`,
  'inline-paren': (a) => `Using the identity twice, the result is \\(${a}\\).`,
  'answer-colon': (a) => `Let's think step by step. The first term is 2 and the ratio is 3.\nAnswer: $${a}$`,
  'chinese': (a) => `解：由题意得 $f(1) = 2$，再代入化简，所以答案为 $${a}$。`,
  // the answer alone, as graders' callers pass an already extracted answer
  'bare': (a) => a,
};
const STYLE_NAMES = Object.keys(STYLES);

const out = [];
let k = 0;
for (const c of CORE) {
  for (const r of [0, 1]) {
    const style = c.styles ? c.styles[r % c.styles.length] : STYLE_NAMES[(k * 4 + r * 5) % STYLE_NAMES.length];
    out.push({ category: c.category, style, gold: c.gold, response: STYLES[style](c.answer), correct: c.correct, ...(c.question ? { question: c.question } : {}), note: c.note ?? '' });
  }
  k++;
}
for (const c of WRITTEN) out.push({ category: c.category, style: c.style, gold: c.gold, response: c.response, correct: c.correct, ...(c.question ? { question: c.question } : {}), note: c.note ?? '' });

const file = join(dirname(fileURLToPath(import.meta.url)), 'labelled-cases.jsonl');
writeFileSync(file, out.map((x) => JSON.stringify(x)).join('\n') + '\n');
console.log(`${out.length} cases -> ${file}`);
