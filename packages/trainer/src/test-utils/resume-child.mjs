// Tests only: resume an RL run in a fresh Node process from the built package (dist).
// argv[2] = JSON of the RL config.
import { trainRL, parseRLConfig } from '@verl-ts/trainer';

const config = parseRLConfig(JSON.parse(process.argv[2]));
const r = await trainRL(config);
process.stdout.write(JSON.stringify(r) + '\n');
process.exit(0);
