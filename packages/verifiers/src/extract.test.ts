import { describe, expect, it } from 'vitest';
import { extractAnswer, extractDetailed } from './extract.js';

describe('extractAnswer', () => {
  const rows: [string, string | null][] = [
    ['so the answer is $\\boxed{\\frac{1}{2}}$.', '\\frac{1}{2}'],
    ['first $\\boxed{3}$ then, after checking everything again, $\\boxed{4}$', '4'],
    ['nested $\\boxed{\\{1, \\{2\\}\\}}$', '\\{1, \\{2\\}\\}'],
    ['\\fbox{42}', '42'],
    ['\\boxed 7 is it', '7'],
    ['roots: $x = \\boxed{1}$ and $x = \\boxed{-2}$', '1, -2'],
    ['truncated \\boxed{12', '12'],
    ['Final Answer: The final answer is $3.83 \\times 10^{35}$. I hope it is correct.', '3.83 \\times 10^{35}'],
    ['Final Answer: The final answer is 4.5e33. I hope it is correct.', '4.5e33'],
    ['We get 3 bolts in total. The answer is 3 bolts.', '3 bolts'],
    ['The answer is $64.00.', '64.00'],
    ['The final answer is: 12', '12'],
    ['The correct option is (B).', '(B)'],
    ['所以 M∪N=(-3,4)，故选 C。', 'C'],
    ['展开后系数为 6，故选A', 'A'],
    ['答案是：必要不充分条件', '必要不充分条件'],
    ['由此 a=2。选 D', 'D'],
    ['She sells 9 eggs.\n#### 18', '18'],
    // a derivation keeps its steps; its last side is graded (statements.ts)
    ['He made 200,000 - 130,000 = $70,000.', '200,000 - 130,000 = 70,000'],
    ['x = 14/3 at the end', 'x = 14/3'],
    ['no digits at all here', null],
    ['The probability is \\frac{1}{3}', '\\frac{1}{3}'],
    ['They meet at 12:00.', '12:00'],
    ['The total is $1\\,234$ coins.', '1\\,234'],
    ['so the total is 1 000 and we are done.', '1 000'],
    ['AZYUK2A', 'AZYUK2A'],
    ['Dr. Zaius has $10,000 + $200 = $10,200, so at the end he has $10,455.', '10,455'],
    ['we first need 6 \\times 7, and then we have to subtract the', null],
    ['$\\boxed{1}\\quad\\text{and}\\quad\\boxed{2}$', '1, 2'],
    ['Final Answer: The final answer is $10{,}455$. I hope it is correct.\n\nProblem: 2+2?\nFinal Answer: The final answer is $4$. I hope it is correct.', '10{,}455'],
    ['so $\\boxed{6}$. Wait, that is wrong: the answer is $7$.', '7'],
    ['Therefore, $x = \\boxed{49}$. (Checking the answer is necessary because squaring adds roots.)', '49'],
    ['**Final Answer:** 17', '17'],
    ['Final Answer: The volume of $ABCDEFGH$ is 120. I hope it is correct.', '120'],
    ['The answer is a necessary but not a sufficient condition.', 'a necessary but not a sufficient condition'],
    ['so $b = \\boxed{\\frac{5}{3}}$. <|im_start|>user Solve … $x = \\boxed{8}$.', '\\frac{5}{3}'],
    ['### Final Answer\n\n$\\frac{1}{2}$', '\\frac{1}{2}'],
  ];
  for (const [resp, want] of rows) {
    it(JSON.stringify(resp).slice(0, 70), () => {
      expect(extractAnswer(resp)).toBe(want);
    });
  }

  it('reports boxed and hedged answers', () => {
    expect(extractDetailed('so $\\boxed{5}$')).toMatchObject({ boxed: true, hedged: false, method: 'boxed' });
    expect(extractDetailed('either $\\boxed{6}$ or $\\boxed{7}$')).toMatchObject({ answer: '6 or 7', boxed: true, hedged: true });
    expect(extractDetailed('The answer is 5.')).toMatchObject({ boxed: false, method: 'marker' });
    expect(extractDetailed('we get 5')).toMatchObject({ boxed: false, method: 'expression' });
    expect(extractDetailed('Therefore $x \\geq 5$ is the solution.')).toMatchObject({ answer: 'x \\geq 5', method: 'math' });
  });

  it('is linear on long inputs', () => {
    const long = 'the answer is '.repeat(20_000) + ' \\boxed{1';
    const t0 = Date.now();
    extractAnswer(long);
    extractAnswer('{'.repeat(200_000));
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});
