// Checks Kubernetes manifests against the API's OpenAPI schemas (types, required fields, enums, formats) with
// the npm package kubernetes-models. Like kubeconform without -strict, it does not flag unknown fields.
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
    try {
      new model(object).validate();
      console.log(`${place}: ${object.kind} ${object.metadata?.name}: valid`);
    } catch (error) {
      failed++;
      console.log(`${place}: ${object.kind} ${object.metadata?.name}: ${error.message}`);
    }
  }
}
process.exit(failed === 0 ? 0 : 1);
