"""The whole distillation recipe in TextBrewer (GeneralDistiller, the teacher online), for bench/recipe-vs-textbrewer.sh.

Teacher and student are PyTorch BERTs (student_step.py's, which gains the hidden states here) loaded from our model
directories (config.json + model.safetensors with Hugging Face names, read without the safetensors package, which
is not installable here), so both sides start from the same weights. Text is tokenized by a BERT WordPiece
tokenizer written out below (transformers is not installable either): lower case, accents stripped, punctuation
split, greedy longest-match pieces, [CLS] ... [SEP], cut to max_seq_length. Labels map through the teacher's id2label.
The recipe: KD (cross-entropy at temperature T) + hidden_mse on the given teacher/student layer pairs, AdamW
(weight decay 0.01), linear warm-up over 10% of the steps then linear decay, gradient clipping at 1.0, as ours;
dev accuracy after every epoch (TextBrewer's callback). Prints one JSON line: dev accuracy per epoch, final, best.
Usage: python3 recipe.py TEACHER_DIR STUDENT_DIR TRAIN_CSV DEV_CSV EPOCHS LR BATCH MAX_LEN THREADS TEMPERATURE T:S[,T:S...] OUT_DIR
"""
import json, os, random, struct, sys, unicodedata

import torch

from student_step import Bert  # also installs the SummaryWriter stand-in before TextBrewer is imported
from textbrewer import DistillationConfig, GeneralDistiller, TrainingConfig


def load_safetensors(path):
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    dtypes = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64}
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[start:end]), dtype=dtypes[entry["dtype"]]).view(entry["shape"]).clone()
    return tensors


# Hugging Face BertForSequenceClassification names -> student_step.Bert's names.
def hf_to_bench(name):
    prefixes = [("bert.embeddings.word_embeddings.", "words."), ("bert.embeddings.position_embeddings.", "positions."),
                ("bert.embeddings.token_type_embeddings.", "types."), ("bert.embeddings.LayerNorm.", "ln."),
                ("bert.pooler.dense.", "pooler."), ("classifier.", "classifier.")]
    for hf, ours in prefixes:
        if name.startswith(hf):
            return ours + name[len(hf):]
    if name.startswith("bert.encoder.layer."):
        index, rest = name[len("bert.encoder.layer."):].split(".", 1)
        parts = [("attention.self.query.", "query."), ("attention.self.key.", "key."), ("attention.self.value.", "value."),
                 ("attention.output.dense.", "out."), ("attention.output.LayerNorm.", "ln1."),
                 ("intermediate.dense.", "up."), ("output.dense.", "down."), ("output.LayerNorm.", "ln2.")]
        for hf, ours in parts:
            if rest.startswith(hf):
                return f"layers.{index}.{ours}{rest[len(hf):]}"
    return None


def load_model(directory):
    config = json.load(open(os.path.join(directory, "config.json")))
    labels = [config["id2label"][str(i)] for i in range(len(config["id2label"]))]
    model = Bert(config, len(labels))
    state = {}
    for name, tensor in load_safetensors(os.path.join(directory, "model.safetensors")).items():
        key = hf_to_bench(name if name.startswith(("bert.", "classifier.")) else "bert." + name)
        if key is not None:
            state[key] = tensor
    model.load_state_dict(state, strict=True)  # every weight of the bench model present, none left over
    return model, labels


class WordPiece:
    def __init__(self, vocab_file):
        self.ids = {line.rstrip("\n"): i for i, line in enumerate(open(vocab_file, encoding="utf-8"))}

    @staticmethod
    def _is_punctuation(ch):
        cp = ord(ch)
        return (33 <= cp <= 47) or (58 <= cp <= 64) or (91 <= cp <= 96) or (123 <= cp <= 126) or unicodedata.category(ch).startswith("P")

    def _words(self, text):
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn" and ord(ch) != 0 and ord(ch) != 0xFFFD)
        words = []
        for chunk in text.split():
            current = ""
            for ch in chunk:
                if self._is_punctuation(ch) or 0x4E00 <= ord(ch) <= 0x9FFF:
                    if current:
                        words.append(current)
                    words.append(ch)
                    current = ""
                else:
                    current += ch
            if current:
                words.append(current)
        return words

    def encode(self, text, max_len):
        pieces = []
        for word in self._words(text):
            start, word_pieces = 0, []
            while start < len(word):
                end, found = len(word), None
                while start < end:
                    piece = ("##" if start > 0 else "") + word[start:end]
                    if piece in self.ids:
                        found = self.ids[piece]
                        break
                    end -= 1
                if found is None:
                    word_pieces = [self.ids["[UNK]"]]
                    break
                word_pieces.append(found)
                start = end
            pieces.extend(word_pieces)
        return [self.ids["[CLS]"]] + pieces[:max_len - 2] + [self.ids["[SEP]"]]


def read_csv(path, tokenizer, labels, max_len):
    import csv
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [(tokenizer.encode(row["text"], max_len), labels.index(row["label"])) for row in rows]


def collate(examples):
    t = max(len(ids) for ids, _ in examples)
    input_ids = torch.zeros(len(examples), t, dtype=torch.long)
    mask = torch.zeros(len(examples), t, dtype=torch.long)
    for i, (ids, _) in enumerate(examples):
        input_ids[i, :len(ids)] = torch.tensor(ids)
        mask[i, :len(ids)] = 1
    return {"input_ids": input_ids, "attention_mask": mask, "labels": torch.tensor([label for _, label in examples])}


def forward_with_hidden(model, batch):
    hidden = []
    t = batch["input_ids"].shape[1]
    x = model.words(batch["input_ids"]) + model.positions.weight[:t] + model.types.weight[0]
    x = model.drop(model.ln(x))
    hidden.append(x)
    bias = (1.0 - batch["attention_mask"][:, None, None, :].float()) * -10000.0
    for layer in model.layers:
        x = layer(x, bias)
        hidden.append(x)
    logits = model.classifier(model.drop(torch.tanh(model.pooler(x[:, 0]))))
    return logits, hidden


class HiddenBert(torch.nn.Module):
    """student_step.Bert returning (logits, hidden states) for TextBrewer's adaptors."""
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, labels):
        return forward_with_hidden(self.model, {"input_ids": input_ids, "attention_mask": attention_mask})


def adaptor(batch, outputs):
    return {"logits": outputs[0], "hidden": outputs[1], "inputs_mask": batch["attention_mask"]}


def main():
    (teacher_dir, student_dir, train_csv, dev_csv, epochs, lr, batch_size, max_len, threads, temperature, pairs, out_dir) = sys.argv[1:13]
    epochs, lr, batch_size, max_len, threads, temperature = int(epochs), float(lr), int(batch_size), int(max_len), int(threads), float(temperature)
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    random.seed(42)
    teacher, labels = load_model(teacher_dir)
    student, student_labels = load_model(student_dir)
    assert student_labels == labels, f"student labels {student_labels} are not the teacher's {labels}"
    tokenizer = WordPiece(os.path.join(teacher_dir, "vocab.txt"))
    train = read_csv(train_csv, tokenizer, labels, max_len)
    dev = read_csv(dev_csv, tokenizer, labels, max_len)
    loader = torch.utils.data.DataLoader(train, batch_size=batch_size, shuffle=True, collate_fn=collate)
    dev_batches = [collate(dev[i:i + 64]) for i in range(0, len(dev), 64)]

    accuracies = []

    def evaluate(model, step):
        model.eval()
        correct = 0
        with torch.no_grad():
            for batch in dev_batches:
                correct += (model(batch["input_ids"], batch["attention_mask"], batch["labels"])[0].argmax(-1) == batch["labels"]).sum().item()
        accuracies.append(correct / len(dev))
        model.train()

    matches = [{"layer_T": int(t), "layer_S": int(s), "feature": "hidden", "loss": "hidden_mse", "weight": 1}
               for t, s in (pair.split(":") for pair in pairs.split(","))]
    train_config = TrainingConfig(device="cpu", output_dir=out_dir, log_dir=out_dir, ckpt_frequency=1, ckpt_epoch_frequency=1)
    distill_config = DistillationConfig(temperature=temperature, kd_loss_type="ce", hard_label_weight=0, kd_loss_weight=1,
                                        intermediate_matches=matches)
    teacher_model, student_model = HiddenBert(teacher), HiddenBert(student)
    distiller = GeneralDistiller(train_config=train_config, distill_config=distill_config, model_T=teacher_model, model_S=student_model,
                                 adaptor_T=adaptor, adaptor_S=adaptor)
    no_decay = ("bias", "ln.weight", "ln1.weight", "ln2.weight")
    groups = [{"params": [p for n, p in student_model.named_parameters() if not n.endswith(no_decay)], "weight_decay": 0.01},
              {"params": [p for n, p in student_model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0}]
    optimizer = torch.optim.AdamW(groups, lr=lr)
    total = epochs * len(loader)
    warmup = int(0.1 * total)
    schedule = {"lr_lambda": lambda step: step / max(1, warmup) if step < warmup else max(0.0, (total - step) / max(1, total - warmup))}
    with distiller:
        distiller.train(optimizer, loader, num_epochs=epochs, scheduler_class=torch.optim.lr_scheduler.LambdaLR, scheduler_args=schedule,
                        max_grad_norm=1.0, callback=evaluate)
    print(json.dumps({"dev_accuracy_per_epoch": accuracies, "final": accuracies[-1], "best": max(accuracies)}))


if __name__ == "__main__":
    main()
