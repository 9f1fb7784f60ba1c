import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandInputs } from './index.js';

let root: string;
let cwd: string;

async function touch(rel: string, content = '{}') {
  const p = path.join(root, rel);
  await mkdir(path.dirname(p), { recursive: true });
  await writeFile(p, content);
}

const ACCT = 'AWSLogs/111122223333';
const ORG = 'AWSLogs/o-a1b2c3d4e5/444455556666';
const ct = (base: string, region: string, day: string, id: string) =>
  `${base}/CloudTrail/${region}/2024/03/${day}/${base.split('/').at(-1)}_CloudTrail_${region}_202403${day}T0905Z_${id}.json.gz`;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'trailhound-sources-'));
  await touch(ct(ACCT, 'eu-west-1', '14', 'Qm3x9TtYw2VbN8aK'));
  await touch(ct(ACCT, 'eu-west-1', '13', 'Lp0c7RkD4sFh1JzE'));
  await touch(ct(ACCT, 'us-east-1', '14', 'Hn4bV8mCk3GjS0Lf'));
  await touch(ct(ORG, 'eu-west-1', '14', 'Xa6eW9oPq2UrT5Yd'));
  await touch(
    `${ACCT}/CloudTrail-Digest/eu-west-1/2024/03/14/111122223333_CloudTrail-Digest_eu-west-1_org-trail_us-east-1_20240314T090444Z.json.gz`,
  );
  await touch(
    `${ACCT}/CloudTrail-Digest/eu-west-1/2024/03/14/111122223333_CloudTrail-Digest_eu-west-1_org-trail_us-east-1_20240314T100444Z.json.gz`,
  );
  await touch(
    `${ACCT}/vpcflowlogs/eu-west-1/2024/03/14/111122223333_vpcflowlogs_eu-west-1_fl-0a_20240314T0905Z_4f2c1d9a.log.gz`,
  );
  await touch(
    'flat/111122223333_CloudTrail-Digest_eu-west-1_org-trail_us-east-1_20240314T090444Z.json.gz',
  );
  await touch('flat/.hidden.json');
  await touch('flat/notes.txt', 'x');
  await symlink(path.join(root, 'AWSLogs'), path.join(root, 'AWSLogs/o-a1b2c3d4e5/loop'));
  cwd = process.cwd();
  process.chdir(root);
});

afterAll(async () => {
  process.chdir(cwd);
  await rm(root, { recursive: true, force: true });
});

describe('expandInputs', () => {
  it('walks the S3 delivery layout, organisation trails included, in sorted order', async () => {
    const { files, problems, notices } = await expandInputs(['AWSLogs']);
    expect(problems).toEqual([]);
    expect(files.map((f) => f.display)).toEqual([
      ct(ACCT, 'eu-west-1', '13', 'Lp0c7RkD4sFh1JzE'),
      ct(ACCT, 'eu-west-1', '14', 'Qm3x9TtYw2VbN8aK'),
      ct(ACCT, 'us-east-1', '14', 'Hn4bV8mCk3GjS0Lf'),
      `${ACCT}/vpcflowlogs/eu-west-1/2024/03/14/111122223333_vpcflowlogs_eu-west-1_fl-0a_20240314T0905Z_4f2c1d9a.log.gz`,
      ct(ORG, 'eu-west-1', '14', 'Xa6eW9oPq2UrT5Yd'),
    ]);
    for (const f of files) expect(f.path).toBe(f.display);
    // The digest folder is skipped with a count, once, although a symbolic link loops back to it.
    expect(notices).toEqual([
      { path: `${ACCT}/CloudTrail-Digest`, files: 2, reason: expect.stringMatching(/not events/) },
    ]);
  });

  it('keeps hidden files, counts digest files found by name, and names each file once', async () => {
    const flat = path.join(root, 'flat');
    const { files, notices } = await expandInputs([flat, 'flat/notes.txt', `${flat}/`]);
    expect(files.map((f) => f.display)).toEqual([
      path.join(flat, '.hidden.json'),
      path.join(flat, 'notes.txt'),
    ]);
    expect(notices).toEqual([{ path: flat, files: 1, reason: expect.any(String) }]);
  });

  it('reads a digest file named directly', async () => {
    const name =
      'flat/111122223333_CloudTrail-Digest_eu-west-1_org-trail_us-east-1_20240314T090444Z.json.gz';
    const { files, notices } = await expandInputs([name]);
    expect(files).toEqual([{ path: name, display: name }]);
    expect(notices).toEqual([]);
  });

  it('expands glob patterns, walking the directories they match', async () => {
    const { files, problems } = await expandInputs([
      'AWSLogs/*/CloudTrail/us-east-1',
      'flat/*.txt',
    ]);
    expect(problems).toEqual([]);
    expect(files.map((f) => f.display)).toEqual([
      ct(ACCT, 'us-east-1', '14', 'Hn4bV8mCk3GjS0Lf'),
      'flat/notes.txt',
    ]);
    const deep = await expandInputs(['AWSLogs/**/*.json.gz']);
    expect(deep.files).toHaveLength(4);
    expect(deep.notices).toEqual([
      { path: 'AWSLogs/**/*.json.gz', files: 2, reason: expect.any(String) },
    ]);
  });

  it('reports a missing path or an empty glob and carries on', async () => {
    const { files, problems } = await expandInputs(['nope.json', 'flat/notes.txt', 'none/*.gz']);
    expect(files.map((f) => f.display)).toEqual(['flat/notes.txt']);
    expect(problems).toEqual([
      {
        code: 'unreadable-file',
        severity: 'skip',
        file: 'none/*.gz',
        reason: expect.stringMatching(/no file or directory matches/),
      },
      {
        code: 'unreadable-file',
        severity: 'skip',
        file: 'nope.json',
        reason: expect.stringMatching(/no such file or directory/),
      },
    ]);
  });

  it('puts standard input last, once', async () => {
    const { files } = await expandInputs(['-', 'flat/notes.txt', '-']);
    expect(files).toEqual([
      { path: 'flat/notes.txt', display: 'flat/notes.txt' },
      { path: '-', display: '-' },
    ]);
  });
});
