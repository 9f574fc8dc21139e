// transformers.js as a user runs it on an exported directory, offline. Usage:
//   node transformers-client.mjs MODELS_ROOT JOB.json
// JOB.json: { "model": "<dir name under MODELS_ROOT>", "texts": [...], "pairs": [[a, b], ...], "classify": true|false }
// Prints one JSON object: { "ids": [[...] per text], "pair_ids": [[...] per pair], "scores": [[{label, score}] per text] }.
// ids are the tokenizer's own encode() (special tokens added, no truncation); scores come from
// pipeline('text-classification'), which pads, truncates to model_max_length and runs onnx/model.onnx.
import { readFileSync } from 'node:fs';
import { env, AutoTokenizer, pipeline } from '@huggingface/transformers';

const [root, jobPath] = process.argv.slice(2);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = root;
const job = JSON.parse(readFileSync(jobPath, 'utf8'));

const tokenizer = await AutoTokenizer.from_pretrained(job.model);
const result = {
  ids: job.texts.map(text => Array.from(tokenizer.encode(text))),
  pair_ids: (job.pairs ?? []).map(([a, b]) => Array.from(tokenizer.encode(a, { text_pair: b }))),
};
if (job.classify) {
  const classify = await pipeline('text-classification', job.model, { dtype: 'fp32' });
  result.scores = [];
  for (const text of job.texts) result.scores.push(await classify(text, { top_k: null }));
}
process.stdout.write(JSON.stringify(result));
