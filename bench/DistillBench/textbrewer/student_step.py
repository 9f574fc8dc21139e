"""TextBrewer's student-only step (BasicTrainer) on the batches distill-bench wrote, for its side-by-side timing.

The student is a PyTorch BERT for sequence classification of the shapes in config.json (transformers is not
installable here, so the model is written out below; its weights are random: a step's time does not depend on
them). Batches come from distill-bench's file: per batch int32 B, T, then B*T int64 input ids, B*T int64 attention
mask, B int64 labels, so both sides train on the same padded shapes. Prints one line: "ms_per_step cpu_ms_per_step".
Without tensorboardX and tensorboard, TextBrewer's per-step scalar goes to a writer that drops it.
Usage: python3 student_step.py CONFIG_JSON BATCHES_FILE WARMUP STEPS THREADS
"""
import json, math, os, struct, sys, tempfile, time

import types

import torch
from torch import nn

try:
    import tensorboardX  # noqa: F401 (TextBrewer's first choice of SummaryWriter)
except ImportError:
    try:
        from torch.utils.tensorboard import SummaryWriter  # noqa: F401
    except ImportError:
        # Neither is installable here (Debian packages neither); TextBrewer only writes a scalar per step through it.
        class SummaryWriter:
            def __init__(self, *args, **kwargs):
                pass

            def add_scalar(self, *args, **kwargs):
                pass

        sys.modules["tensorboardX"] = types.SimpleNamespace(SummaryWriter=SummaryWriter)
from textbrewer import TrainingConfig, BasicTrainer


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, heads = c["hidden_size"], c["num_attention_heads"]
        self.heads, self.d = heads, h // heads
        # Query, key and value as three layers, as Hugging Face's BertSelfAttention has them.
        self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)
        self.out = nn.Linear(h, h)
        self.ln1 = nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.up = nn.Linear(h, c["intermediate_size"])
        self.down = nn.Linear(c["intermediate_size"], h)
        self.ln2 = nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.drop = nn.Dropout(c["hidden_dropout_prob"])
        self.attn_drop = nn.Dropout(c["attention_probs_dropout_prob"])

    def forward(self, x, bias):
        b, t, h = x.shape
        q, k, v = (layer(x).view(b, t, self.heads, self.d).transpose(1, 2) for layer in (self.query, self.key, self.value))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.d) + bias
        context = (self.attn_drop(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, t, h)
        x = self.ln1(x + self.drop(self.out(context)))
        return self.ln2(x + self.drop(self.down(nn.functional.gelu(self.up(x)))))


class Bert(nn.Module):
    def __init__(self, c, labels):
        super().__init__()
        h = c["hidden_size"]
        self.words = nn.Embedding(c["vocab_size"], h)
        self.positions = nn.Embedding(c["max_position_embeddings"], h)
        self.types = nn.Embedding(c["type_vocab_size"], h)
        self.ln = nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.drop = nn.Dropout(c["hidden_dropout_prob"])
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))
        self.pooler = nn.Linear(h, h)
        self.classifier = nn.Linear(h, labels)

    def forward(self, input_ids, attention_mask, labels):
        t = input_ids.shape[1]
        x = self.words(input_ids) + self.positions.weight[:t] + self.types.weight[0]
        x = self.drop(self.ln(x))
        bias = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        logits = self.classifier(self.drop(torch.tanh(self.pooler(x[:, 0]))))
        return nn.functional.cross_entropy(logits, labels), logits


def batches(path):
    with open(path, "rb") as f:
        data = f.read()
    at, out = 0, []
    while at < len(data):
        b, t = struct.unpack_from("<ii", data, at)
        at += 8
        tensors = []
        for n in (b * t, b * t, b):
            tensors.append(torch.frombuffer(bytearray(data[at:at + 8 * n]), dtype=torch.int64))
            at += 8 * n
        out.append({"input_ids": tensors[0].view(b, t), "attention_mask": tensors[1].view(b, t), "labels": tensors[2]})
    return out


class Clock:
    """The dataloader: hands out the batches and marks the time of the request of the first timed one and of the one after the last."""
    def __init__(self, data, warmup, steps):
        self.data, self.warmup, self.steps, self.marks = data, warmup, steps, {}

    def __len__(self):
        return self.warmup + self.steps + 1

    def __iter__(self):
        for k in range(len(self)):
            self.marks[k] = (time.perf_counter(), time.process_time())
            yield self.data[k % len(self.data)]


def main():
    config_path, batch_path, warmup, steps, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    config = json.load(open(config_path))
    model = Bert(config, len(config.get("id2label", {"0": 0, "1": 1})))
    clock = Clock(batches(batch_path), warmup, steps)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    with tempfile.TemporaryDirectory() as out:
        train_config = TrainingConfig(device="cpu", output_dir=out, log_dir=out, ckpt_frequency=1, ckpt_epoch_frequency=1)
        trainer = BasicTrainer(train_config=train_config, model=model, adaptor=lambda batch, outputs: {"losses": [outputs[0]]})
        # No checkpoint inside the timed window: TextBrewer saves after the epoch, after the last request.
        trainer.train(optimizer, clock, num_epochs=1, max_grad_norm=1.0)
    (w0, c0), (w1, c1) = clock.marks[warmup], clock.marks[warmup + steps]
    print(f"{(w1 - w0) * 1000 / steps:.1f} {(c1 - c0) * 1000 / steps:.1f}")


if __name__ == "__main__":
    main()
