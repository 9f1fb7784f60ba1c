/**
 * `trailhound docs --write | --check`: regenerates docs/rules.md and docs/MATRIX.md from the rule
 * registry, or checks that the committed copies match what the code generates (the test run calls
 * `--check`, so a rule change without regenerated docs fails the build).
 */
import type { Command } from 'commander';
import { checkDocs, defaultDocsDir, writeDocs } from '../docs/files.js';
import type { Rule } from '../engine/rule.js';
import { TrailhoundError } from '../errors.js';
import { RULES } from '../rules/registry.js';

interface DocsFlags {
  write?: boolean;
  check?: boolean;
  dir?: string;
}

export function registerDocs(program: Command, rules: readonly Rule[] = RULES): void {
  program
    .command('docs')
    .description('regenerate (--write) or verify (--check) docs/rules.md and docs/MATRIX.md')
    .option('--write', 'write the generated docs')
    .option('--check', 'exit with 1 when a committed doc differs from the generated one')
    .option('--dir <dir>', 'docs directory (default: the docs/ folder of this package)')
    .action(async (flags: DocsFlags) => {
      if (flags.write === flags.check) {
        throw new TrailhoundError('usage', 'docs: give exactly one of --write or --check');
      }
      const dir = flags.dir ?? defaultDocsDir();
      if (flags.write === true) {
        for (const path of await writeDocs(dir, rules)) process.stdout.write(`wrote ${path}\n`);
        return;
      }
      const drift = await checkDocs(dir, rules);
      if (drift.length === 0) {
        process.stdout.write('generated docs are up to date\n');
        return;
      }
      for (const d of drift) {
        process.stderr.write(
          d.problem === 'missing'
            ? `trailhound: ${d.path} is missing; run \`trailhound docs --write\`\n`
            : `trailhound: ${d.path} is stale (it differs from what the rule registry generates); run \`trailhound docs --write\`\n`,
        );
      }
      process.exitCode = 1;
    });
}
