/** Titles and Markdown bodies for sample posts, each drawn from the generator in a fixed order. */
import type { Random } from './random.ts';
import { ADJECTIVES, CLAIMS, GERUNDS, IDENTIFIERS, LANGUAGES, LINK_HOSTS, LINK_TEXTS, NON_LATIN_TITLES, OUTCOMES, TAGS, TOPICS, VERBS, WORDS } from './vocabulary.ts';

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const withArticle = (word: string) => `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;

export function sentence(random: Random): string {
  const length = random.int(6, 20);
  const words: string[] = [];
  for (let i = 0; i < length; i++) words.push(random.pick(WORDS));
  const decorate = random.next();
  const at = random.int(1, length - 1);
  if (decorate < 0.08) words[at] = `[${random.pick(LINK_TEXTS)}](${random.pick(LINK_HOSTS)}/${random.pick(WORDS)}-${random.int(1, 999)})`;
  else if (decorate < 0.16) words[at] = `\`${random.pick(IDENTIFIERS)}()\``;
  else if (decorate < 0.22) words[at] = `**${words[at]}**`;
  else if (decorate < 0.27) words[at] = `_${words[at]}_`;
  const end = random.chance(0.9) ? '.' : random.pick(['?', '!', '…']);
  return `${capitalize(words.join(' '))}${end}`;
}

function paragraph(random: Random): string {
  const count = random.lognormalInt(3, 0.5, 1, 10);
  const sentences: string[] = [];
  for (let i = 0; i < count; i++) sentences.push(sentence(random));
  return sentences.join(' ');
}

function list(random: Random): string {
  const count = random.int(2, 7);
  const ordered = random.chance(0.3);
  const tasks = !ordered && random.chance(0.15);
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    const marker = ordered ? `${i + 1}.` : tasks ? `- [${random.chance(0.5) ? 'x' : ' '}]` : '-';
    items.push(`${marker} ${sentence(random)}`);
    if (random.chance(0.1)) items.push(`  - ${sentence(random)}`);
  }
  return items.join('\n');
}

function codeBlock(random: Random): string {
  const language = random.pick(LANGUAGES);
  const name = random.pick(IDENTIFIERS);
  const n = random.int(1, 500);
  const bodies: Record<string, string[]> = {
    ts: [
      `export async function ${name}(limit = ${n}) {`,
      `  const rows = await db.selectFrom('posts').selectAll().limit(limit).execute();`,
      `  return rows.map((row) => ({ ...row, id: String(row.id) }));`,
      `}`,
    ],
    sql: [
      `select id, title, created_at`,
      `from posts`,
      `where status = 'published' and created_at < now() - interval '${n} days'`,
      `order by created_at desc, id desc`,
      `limit 20;`,
    ],
    bash: [`npm run db:seed -- --posts ${n * 100}`, `curl -s localhost:3000/api/v1/posts?limit=20 | jq '.data | length'`],
    json: [`{`, `  "${name}": ${n},`, `  "enabled": ${random.chance(0.5)},`, `  "tags": ["${random.pick(TAGS)}"]`, `}`],
    go: [`func ${name}(ctx context.Context) error {`, `\treturn retry.Do(ctx, ${n}, func() error { return ping(ctx) })`, `}`],
    python: [`def ${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}(n=${n}):`, `    return [x * x for x in range(n)]`],
    '': [`$ ${name} --verbose`, `ok (${n} ms)`],
  };
  const lines = bodies[language] ?? [];
  return `\`\`\`${language}\n${lines.join('\n')}\n\`\`\``;
}

function table(random: Random): string {
  const rows = [`| ${random.pick(TOPICS)} | before | after |`, '| --- | ---: | ---: |'];
  for (let i = random.int(2, 5); i > 0; i--) rows.push(`| ${random.pick(WORDS)} | ${random.int(1, 900)} ms | ${random.int(1, 300)} ms |`);
  return rows.join('\n');
}

function heading(random: Random): string {
  return `${random.chance(0.7) ? '##' : '###'} ${capitalize(random.pick(GERUNDS))} ${random.pick(TOPICS)}`;
}

/** Markdown of varied length: median ~7 blocks (~2 kB), a long tail up to tens of kB, a few empty. */
export function body(random: Random): string {
  if (random.chance(0.02)) return '';
  const blocks: string[] = [];
  if (random.chance(0.3)) blocks.push(`# ${random.pick(TOPICS)}`);
  const count = random.lognormalInt(7, 0.8, 1, 150);
  for (let i = 0; i < count; i++) {
    const kind = random.next();
    if (kind < 0.55) blocks.push(paragraph(random));
    else if (kind < 0.67) blocks.push(heading(random));
    else if (kind < 0.8) blocks.push(list(random));
    else if (kind < 0.89) blocks.push(codeBlock(random));
    else if (kind < 0.94) blocks.push(`> ${sentence(random)}`);
    else if (kind < 0.97) blocks.push(`![${random.pick(TOPICS)}](https://example.com/images/${random.int(1, 99999)}.png)`);
    else blocks.push(table(random));
  }
  return blocks.join('\n\n').slice(0, 100_000);
}

export function title(random: Random): string {
  const topic = random.pick(TOPICS);
  const kind = random.int(0, 12);
  const text = [
    () => `How we ${random.pick(VERBS)} ${topic}`,
    () => `${random.int(3, 12)} lessons from ${random.pick(GERUNDS)} ${topic}`,
    () => `Why ${topic} ${random.pick(CLAIMS)}`,
    () => `Release notes: v${random.int(0, 4)}.${random.int(0, 30)}.${random.int(0, 9)}`,
    () => `Notes on ${topic}`,
    () => `${capitalize(withArticle(random.pick(ADJECTIVES)))} guide to ${topic}`,
    () => `What I learned ${random.pick(GERUNDS)} ${topic} in ${random.int(2019, 2026)}`,
    () => `${capitalize(topic)} vs ${random.pick(TOPICS)}: ${random.pick(OUTCOMES)}`,
    () => `Weekly update #${random.int(1, 400)}`,
    () => `${capitalize(topic)}, ${random.pick(ADJECTIVES)} edition — part ${random.int(1, 5)}`,
    () => `We ${random.pick(VERBS)} ${topic} (and ${random.pick(TOPICS)} ${random.pick(CLAIMS)})`,
    () => `“${capitalize(random.pick(CLAIMS))}”: ${topic} in practice`,
    () => (random.chance(0.05) ? random.pick(NON_LATIN_TITLES) : `Q&A: ${topic}?`),
  ][kind] as () => string;
  return text().slice(0, 200);
}
