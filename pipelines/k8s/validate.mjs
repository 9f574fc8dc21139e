// Checks Kubernetes manifests against the API's OpenAPI schemas (types, required fields, enums, formats) with
// the npm package kubernetes-models. Like kubeconform without -strict, it does not flag unknown fields.
// One rule of ours on top: an Indexed Job's NUM_SHARDS (cache-teacher --num-shards) equals spec.completions.
// Usage: node validate.mjs FILE.yaml...   Prints one line per document; exits 1 if any is invalid.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { Job } from "kubernetes-models/batch/v1";

const models = { "batch/v1/Job": Job };
let failed = 0;
for (const file of process.argv.slice(2)) {
  for (const [index, document] of parseAllDocuments(readFileSync(file, "utf8")).entries()) {
    const place = `${file}: document ${index + 1}`;
    const object = document.toJS();
    const model = models[`${object?.apiVersion}/${object?.kind}`];
    if (document.errors.length > 0 || !model) {
      failed++;
      const found = document.errors[0]?.message ?? `apiVersion ${object?.apiVersion}, kind ${object?.kind}`;
      console.log(`${place}: expected one of ${Object.keys(models).join(", ")}; found ${found}`);
      continue;
    }
    const problems = [];
    try {
      new model(object).validate();
    } catch (error) {
      problems.push(error.message);
    }
    problems.push(...shardCountProblems(object));
    failed += problems.length > 0 ? 1 : 0;
    console.log(`${place}: ${object.kind} ${object.metadata?.name}: ${problems.length > 0 ? problems.join(", ") : "valid"}`);
  }
}
// Every shard must be some pod's index: with fewer completions than shards, the merge finds shards missing.
function shardCountProblems(job) {
  if (job.spec?.completionMode !== "Indexed") return [];
  return (job.spec.template?.spec?.containers ?? []).flatMap((container) =>
    (container.env ?? [])
      .filter((variable) => variable.name === "NUM_SHARDS" && Number(variable.value) !== Number(job.spec.completions))
      .map((variable) => `container ${container.name}: NUM_SHARDS must equal spec.completions (${job.spec.completions}), found ${variable.value}`));
}

process.exit(failed === 0 ? 0 : 1);
