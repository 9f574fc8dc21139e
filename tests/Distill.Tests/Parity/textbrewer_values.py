"""Values written into TextBrewerParityTests.cs, computed by TextBrewer's own code on the tests' fixed tensors.

Run: python3 textbrewer_values.py PATH/TO/TextBrewer/src   (TextBrewer 0.2.1.post1, commit 2c105fa6; Debian 12's
python3-torch 1.13). tqdm and tensorboardX, which TextBrewer imports only for progress bars and logs, are stubbed.
TextBrewer's compatibility.mask_dtype compares version strings ('1.13' < '1.2'), so on torch 1.13 it picks uint8;
it is set to bool, what TextBrewer means for torch >= 1.2.
"""
import json, sys, types
import torch

for name in ("tqdm", "tensorboardX"):
    stub = types.ModuleType(name)
    stub.tqdm = lambda it, **kw: it
    stub.SummaryWriter = lambda *a, **kw: None
    sys.modules[name] = stub
sys.path.insert(0, sys.argv[1])
import textbrewer.compatibility as compat
compat.mask_dtype = torch.bool
import textbrewer.losses as L
import textbrewer.distiller_utils as U
U.mask_dtype = torch.bool
import textbrewer.schedulers as S
from textbrewer import BasicDistiller, GeneralDistiller, MultiTeacherDistiller, TrainingConfig, DistillationConfig

def fixed(shape, salt):
    """The tests' Fixed(shape, salt): exact in float32 on both sides."""
    n = 1
    for d in shape: n *= d
    return torch.tensor([((i * 37 + salt * 11) % 101) / 25.0 - 2.0 for i in range(n)], dtype=torch.float32).view(*shape)

out = {}
def put(key, value):
    out[key] = float(value)

# KD losses
s, t = fixed((4, 5), 1), fixed((4, 5), 2)
put("kd_ce_T2", L.kd_ce_loss(s, t, 2.0))
put("kd_mse_T2", L.kd_mse_loss(s, t, 2.0))
rowT = torch.tensor([1.0, 1.5, 2.0, 2.5])
put("kd_ce_rowT", L.kd_ce_loss(s, t, rowT))
put("kd_mse_rowT", L.kd_mse_loss(s, t, rowT))
# token-level: TextBrewer selects the real positions first
s3, t3 = fixed((2, 3, 4), 3), fixed((2, 3, 4), 4)
m3 = torch.tensor([[1, 1, 0], [1, 0, 0]])
# one call per tensor: with one mask for several logits TextBrewer's select_logits_with_mask reuses the mask it
# already expanded and fails on the second
sel = U.select_logits_with_mask([s3], [m3]) + U.select_logits_with_mask([t3], [m3])
put("kd_ce_token_masked", L.kd_ce_loss(sel[0], sel[1], 2.0))

# hidden-state losses, mask (B, T)
hs, ht = fixed((2, 3, 6), 5), fixed((2, 3, 6), 6)
hm = torch.tensor([[1, 1, 1], [1, 1, 0]])
put("hidden_mse", L.hid_mse_loss(hs, ht, hm))
put("cos", L.cos_loss(hs, ht, hm))
put("pkd", L.pkd_loss(hs, ht, hm))
hs2, ht2 = fixed((2, 3, 6), 7), fixed((2, 3, 6), 8)
put("fsp", L.fsp_loss([hs, hs2], [ht, ht2], hm))
put("mmd", L.mmd_loss([hs, hs2], [ht, ht2], hm))

# attention: TextBrewer reads scores, with BERT's -10000 at padded keys; the tests give softmax of the same scores
am = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
def scores(salt):
    return fixed((2, 2, 4, 4), salt) + (1 - am[:, None, None, :].float()) * -10000.0
as_, at_ = scores(9), scores(10)
ps, pt = torch.softmax(as_, -1), torch.softmax(at_, -1)
put("attention_mse", L.att_mse_loss(ps, pt, am))
put("attention_mse_sum", L.att_mse_sum_loss(ps, pt, am))
put("attention_ce", L.att_ce_loss(as_, at_, am))
put("attention_ce_mean", L.att_ce_mean_loss(as_, at_, am))

# temperature schedulers; student row 3 all zeros (TextBrewer stays finite through eps)
fs, ft = fixed((4, 5), 11), fixed((4, 5), 12)
fs[3] = 0
for i, v in enumerate(S.flsw_temperature_scheduler_builder(1.0, 2.0)(fs, ft, 4.0)): put(f"flsw_b1_g2[{i}]", v)
for i, v in enumerate(S.flsw_temperature_scheduler_builder(1.0, 2.0, 1e-2)(fs, ft, 4.0)): put(f"flsw_b1_g2_eps1e-2[{i}]", v)
for i, v in enumerate(S.cwsm_temperature_scheduler_builder(0.5)(fs, ft, 4.0)): put(f"cwsm_b0.5[{i}]", v)

class Stub:
    pass

def distiller(cls, dconfig):
    d = Stub.__new__(cls)
    d.d_config = dconfig
    d.kd_loss = L.kd_ce_loss if dconfig.kd_loss_type == "ce" else L.kd_mse_loss
    return d

# BasicDistiller: probability shift, T 3, weights 0.6 / 0.4
cs, ct = fixed((3, 4), 13), fixed((3, 4), 14)
labels = torch.tensor([2, 0, 3])
dc = DistillationConfig(temperature=3, kd_loss_weight=0.6, hard_label_weight=0.4, probability_shift=True)
total, parts = BasicDistiller.compute_loss(distiller(BasicDistiller, dc), {"logits": [cs], "labels": [labels], "losses": [torch.tensor(0.9)]}, {"logits": [ct.clone()]})
put("basic_total", total); put("basic_kd", parts["unweighted_kd_loss"])

# QA: start and end as TextBrewer's list of logits, padded position at -10000 on both sides, flsw
qs, qt = fixed((2, 2, 6), 15), fixed((2, 2, 6), 16)
qs[1, :, 5] = -10000.0; qt[1, :, 5] = -10000.0
dc = DistillationConfig(temperature=2, temperature_scheduler=["flsw", 1, 2])
total, parts = BasicDistiller.compute_loss(distiller(BasicDistiller, dc), {"logits": [qs[:, 0], qs[:, 1]]}, {"logits": [qt[:, 0], qt[:, 1]]})
put("qa_total", total)

# token level with logits_mask on both sides, cwsm
ts, tt = fixed((2, 4, 3), 17), fixed((2, 4, 3), 18)
tm = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0]])
dc = DistillationConfig(temperature=2, temperature_scheduler=["cwsm", 0.5], kd_loss_weight=1.5)
total, parts = BasicDistiller.compute_loss(distiller(BasicDistiller, dc), {"logits": [ts], "logits_mask": [tm]}, {"logits": [tt], "logits_mask": [tm]})
put("token_total", total)

# GeneralDistiller: KD + hidden_mse (weight 2) + attention_ce (weight 1) + fsp (weight 0.5), inputs_mask
gs, gt = fixed((2, 3), 19), fixed((2, 3), 20)
dc = DistillationConfig(temperature=4, intermediate_matches=[
    {"layer_T": 1, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "weight": 2},
    {"layer_T": 0, "layer_S": 0, "feature": "attention", "loss": "attention_ce", "weight": 1},
    {"layer_T": [0, 1], "layer_S": [0, 1], "feature": "hidden", "loss": "fsp", "weight": 0.5}])
g = distiller(GeneralDistiller, dc)
g.projs = [None, None, None]; g.has_custom_matches = False
hid_s = [fixed((2, 4, 6), 21), fixed((2, 4, 6), 22)]
hid_t = [fixed((2, 4, 6), 23), fixed((2, 4, 6), 24)]
total, parts = GeneralDistiller.compute_loss(g,
    {"logits": [gs], "hidden": hid_s, "attention": [as_], "inputs_mask": am, "losses": [torch.tensor(0.5)]},
    {"logits": [gt], "hidden": hid_t, "attention": [at_], "inputs_mask": am})
put("general_total", total)
# without logits (matches only; MultiTask inherits this compute_loss)
total, parts = GeneralDistiller.compute_loss(g, {"hidden": hid_s, "attention": [as_], "inputs_mask": am}, {"hidden": hid_t, "attention": [at_], "inputs_mask": am})
put("general_no_logits_total", total)

# MultiTeacherDistiller.train_on_batch on cached logits of two teachers, T 2, hard weight 0.3
ms = fixed((3, 4), 25)
t1, t2 = fixed((3, 4), 26), fixed((3, 4), 27)
dc = DistillationConfig(temperature=2, hard_label_weight=0.3, is_caching_logits=True)
mt = distiller(MultiTeacherDistiller, dc)
mt.t_config = TrainingConfig(device="cpu")
mt.model_T = None
mt.model_S = lambda x: x
mt.adaptor_S = lambda batch, out: {"logits": ms, "losses": torch.tensor(0.8)}
total, parts = MultiTeacherDistiller.train_on_batch(mt, ((torch.zeros(1),), [[t1], [t2]]), {})
put("multiteacher_total", total)

# Weights over time: a real 1-epoch BasicDistiller.train of 5 batches, kd weight 0.7 with linear_decay, hard weight 0
# with linear_growth; the weights TextBrewer's compute_loss reads at each batch.
model = torch.nn.Linear(3, 2)
teacher = torch.nn.Linear(3, 2)
dc = DistillationConfig(kd_loss_weight=0.7, kd_loss_weight_scheduler="linear_decay", hard_label_weight=0, hard_label_weight_scheduler="linear_growth")
tc = TrainingConfig(device="cpu", log_dir=None, output_dir="/tmp/textbrewer-parity")
adaptor = lambda batch, o: {"logits": o, "losses": o.sum() * 0}
b = BasicDistiller(tc, dc, teacher, model, adaptor, adaptor)
seen = []
original = b.compute_loss
def recording(rs, rt):
    seen.append((b.d_config.kd_loss_weight, b.d_config.hard_label_weight))
    return original(rs, rt)
b.compute_loss = recording
b.save_and_callback = lambda *a, **kw: None
b.train(torch.optim.SGD(model.parameters(), lr=0.1), [(torch.ones(1, 3),)] * 5, num_epochs=1)
for i, (kw, hw) in enumerate(seen):
    put(f"weights[{i}].kd", kw); put(f"weights[{i}].hard", hw)

for k, v in out.items():
    print(f"{k} = {v!r}")
